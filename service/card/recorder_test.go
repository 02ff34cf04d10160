package card_test

import (
	"context"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/card"
)

func verificationsOf(t *testing.T, f *fixture, verifier int64) []model.Verification {
	t.Helper()
	rows, err := model.NewVerificationStore(f.db).ForVerifier(context.Background(), verifier, model.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// otherService is a second node on the fixture's database and cache.
func (f *fixture) otherService(t *testing.T, cfg card.Config) *card.Service {
	t.Helper()
	svc, err := card.New(service.Env{Now: f.clock.Now}, card.Deps{DB: f.db, Cache: f.cache, Keys: f.ring, PII: f.cipher}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestVerificationLog(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			ctx := context.Background()
			m := f.member(f.union)
			tok := f.token(m)
			for _, token := range []string{tok, "junk"} {
				if _, err := f.svc.Verify(ctx, f.verifier, token, 0); err != nil {
					t.Fatal(err)
				}
			}
			if rows := verificationsOf(t, f, f.verifier.UserID); len(rows) != 0 {
				t.Fatalf("written before the flush: %d", len(rows))
			}
			if err := f.svc.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			rows := verificationsOf(t, f, f.verifier.UserID)
			if len(rows) != 2 {
				t.Fatalf("%d rows", len(rows))
			}
			byResult := map[string]model.Verification{}
			for _, r := range rows {
				byResult[r.Result] = r
			}
			if v := byResult["valid"]; v.MemberID == nil || *v.MemberID != m.ID || v.TokenID == nil || v.BenefitID != nil {
				t.Errorf("valid row: %+v", v)
			}
			if v, found := byResult["malformed"]; !found || v.MemberID != nil {
				t.Errorf("malformed row: %+v", v)
			}

			// A queue still full after the wait loses and counts; so does a
			// closed one (recorder_wait_test.go has the rest).
			small, timers := f.recorderService(t, 2)
			for range 2 {
				_, _ = small.Verify(ctx, f.verifier, tok, 0)
			}
			done := make(chan struct{})
			go func() { defer close(done); _, _ = small.Verify(ctx, f.verifier, tok, 0) }()
			timers.next(t, 50*time.Millisecond).fire()
			<-done
			if small.Dropped() != 1 {
				t.Fatalf("dropped %d, want 1", small.Dropped())
			}
			if err := small.Close(ctx); err != nil {
				t.Fatal(err)
			}
			_, _ = small.Verify(ctx, f.verifier, tok, 0)
			if small.Dropped() != 2 || len(verificationsOf(t, f, f.verifier.UserID)) != 4 {
				t.Fatalf("after close: dropped %d", small.Dropped())
			}

			// The running writer flushes a full batch without waiting.
			bg := f.otherService(t, card.Config{BatchSize: 1, FlushInterval: time.Hour})
			runCtx, stop := context.WithCancel(ctx)
			done = make(chan struct{})
			go func() { defer close(done); bg.Run(runCtx) }()
			_, _ = bg.Verify(ctx, f.verifier, tok, 0)
			deadline := time.Now().Add(5 * time.Second)
			for len(verificationsOf(t, f, f.verifier.UserID)) != 5 {
				if time.Now().After(deadline) {
					t.Fatal("the writer did not flush")
				}
				time.Sleep(5 * time.Millisecond)
			}
			stop()
			<-done
		})
	}
}
