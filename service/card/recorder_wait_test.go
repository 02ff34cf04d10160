package card_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/card"
)

// timers is a fake time.After: every wait is announced on calls and ends
// when the test fires it, so no test sleeps.
type timers struct{ calls chan timer }

type timer struct {
	d time.Duration
	c chan time.Time
}

func newTimers() *timers { return &timers{calls: make(chan timer, 16)} }

func (f *timers) After(d time.Duration) <-chan time.Time {
	tm := timer{d: d, c: make(chan time.Time, 1)}
	f.calls <- tm
	return tm.c
}

// next returns the wait started next (a guard ends a hung test).
func (f *timers) next(t *testing.T, want time.Duration) timer {
	t.Helper()
	select {
	case tm := <-f.calls:
		if tm.d != want {
			t.Fatalf("waits %v, want %v", tm.d, want)
		}
		return tm
	case <-time.After(10 * time.Second):
		t.Fatalf("no wait of %v started", want)
	}
	return timer{}
}

func (tm timer) fire() { tm.c <- time.Time{} }

// recorderService is a card service on f's database with a small
// verification queue and fake timers.
func (f *fixture) recorderService(t *testing.T, queue int) (*card.Service, *timers) {
	t.Helper()
	tm := newTimers()
	svc, err := card.New(service.Env{Now: f.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, card.Deps{DB: f.db, Cache: f.cache, Keys: f.ring, PII: f.cipher, After: tm.After}, card.Config{QueueSize: queue, BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	return svc, tm
}

// exec runs a statement on the fixture's database (taking the
// verification table away and back).
func (f *fixture) exec(t *testing.T, sql string) {
	t.Helper()
	if err := f.db.Exec(sql).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// lost reads unionhub_verification_records_lost_total by reason from a
// registry holding svc's collector, as /metrics shows it.
func lost(t *testing.T, svc *card.Service) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(svc.Metrics())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "unionhub_verification_records_lost_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			out[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	return out
}

// TestFullQueueWaits: a verification meeting a full queue waits (50 ms by
// default) for the writer, and is written when the writer catches up; it
// is lost, and counted, only when the wait or the request ends first.
func TestFullQueueWaits(t *testing.T) {
	cases := []struct {
		name    string
		resolve func(t *testing.T, svc *card.Service, wait timer, cancel func())
		written int
		lost    float64
	}{
		{"writer catches up", func(t *testing.T, svc *card.Service, _ timer, _ func()) {
			if err := svc.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}, 3, 0},
		{"wait ends", func(_ *testing.T, _ *card.Service, wait timer, _ func()) { wait.fire() }, 2, 1},
		{"request ends", func(_ *testing.T, _ *card.Service, _ timer, cancel func()) { cancel() }, 2, 1},
	}
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			tok := f.token(f.member(f.union))
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					verifier := f.verifier
					verifier.UserID = model.NewID() // its own rows
					svc, tm := f.recorderService(t, 2)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					for range 2 {
						_, _ = svc.Verify(ctx, verifier, tok, 0)
					}
					done := make(chan struct{})
					go func() { defer close(done); _, _ = svc.Verify(ctx, verifier, tok, 0) }()
					tc.resolve(t, svc, tm.next(t, 50*time.Millisecond), cancel)
					<-done
					if err := svc.Close(context.Background()); err != nil {
						t.Fatal(err)
					}
					if n := len(verificationsOf(t, f, verifier.UserID)); n != tc.written {
						t.Errorf("%d written, want %d", n, tc.written)
					}
					if got := lost(t, svc); got["queue_full"] != tc.lost || svc.Dropped() != int64(tc.lost) {
						t.Errorf("lost %v (dropped %d), want queue_full %v", got, svc.Dropped(), tc.lost)
					}
				})
			}
		})
	}
}

// TestFailedBatchRetried: a batch whose write fails is retried after
// 100 ms, then 200 ms, 400 ms; written when the database comes back,
// counted as lost (and reported) when every attempt failed.
func TestFailedBatchRetried(t *testing.T) {
	cases := []struct {
		name     string
		failures int // attempts that fail; 4 = all
		written  int
	}{
		{"second attempt writes", 1, 3},
		{"fourth attempt writes", 3, 3},
		{"every attempt fails", 4, 0},
	}
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			tok := f.token(f.member(f.union))
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ctx := context.Background()
					verifier := f.verifier
					verifier.UserID = model.NewID() // its own rows
					svc, tm := f.recorderService(t, 10)
					for range 3 {
						_, _ = svc.Verify(ctx, verifier, tok, 0)
					}
					f.exec(t, `ALTER TABLE verifications RENAME TO verifications_away`)
					away := true
					t.Cleanup(func() {
						if away {
							f.exec(t, `ALTER TABLE verifications_away RENAME TO verifications`)
						}
					})
					flushed := make(chan error, 1)
					go func() { flushed <- svc.Flush(ctx) }()
					backoff := 100 * time.Millisecond
					for i := 1; i < min(tc.failures+1, 4); i++ {
						wait := tm.next(t, backoff)
						if i == tc.failures {
							f.exec(t, `ALTER TABLE verifications_away RENAME TO verifications`)
							away = false
						}
						wait.fire()
						backoff *= 2
					}
					err := <-flushed
					if away {
						f.exec(t, `ALTER TABLE verifications_away RENAME TO verifications`)
						away = false
					}
					if (err == nil) != (tc.written > 0) {
						t.Fatalf("flush: %v", err)
					}
					if n := len(verificationsOf(t, f, verifier.UserID)); n != tc.written {
						t.Errorf("%d written, want %d", n, tc.written)
					}
					wantLost := float64(3 - tc.written)
					if got := lost(t, svc); got["write_failed"] != wantLost {
						t.Errorf("lost %v, want write_failed %v", got, wantLost)
					}
				})
			}
		})
	}
}

// TestCloseDrains: Close writes what is queued; records after it, and
// those Close cannot write, are counted.
func TestCloseDrains(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			tok := f.token(f.member(f.union))
			ctx := context.Background()
			verifier := f.verifier
			verifier.UserID = model.NewID() // its own rows
			svc, tm := f.recorderService(t, 10)
			for range 4 {
				_, _ = svc.Verify(ctx, verifier, tok, 0)
			}
			if err := svc.Close(ctx); err != nil {
				t.Fatal(err)
			}
			_, _ = svc.Verify(ctx, verifier, tok, 0)
			if n := len(verificationsOf(t, f, verifier.UserID)); n != 4 {
				t.Errorf("%d written on close, want 4", n)
			}

			// Closing against a database that stays away: lost and counted.
			down, tm2 := f.recorderService(t, 10)
			for range 2 {
				_, _ = down.Verify(ctx, verifier, tok, 0)
			}
			f.exec(t, `ALTER TABLE verifications RENAME TO verifications_away`)
			defer f.exec(t, `ALTER TABLE verifications_away RENAME TO verifications`)
			cctx, cancel := context.WithCancel(ctx)
			closed := make(chan error, 1)
			go func() { closed <- down.Close(cctx) }()
			tm2.next(t, 100*time.Millisecond)
			cancel() // the shutdown's deadline
			if err := <-closed; err == nil || !errors.Is(err, context.Canceled) {
				t.Errorf("close: %v", err)
			}
			want := map[string]float64{"queue_full": 0, "write_failed": 0, "closed": 1}
			if got := lost(t, svc); got["closed"] != 1 || got["write_failed"] != 0 || len(got) != len(want) {
				t.Errorf("lost %v, want %v", got, want)
			}
			if got := lost(t, down); got["write_failed"] != 2 {
				t.Errorf("lost on a failed close %v, want write_failed 2", got)
			}
			select {
			case tm := <-tm.calls:
				t.Errorf("a wait of %v started with room in the queue", tm.d)
			default:
			}
		})
	}
}
