package card_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/card"
)

// TestStateCache: verification reads status from the cache; Invalidate
// leaves a tombstone that keeps readers on the database for a while, so a
// reader holding the old row cannot cache it again; a failing cache falls
// back to the database.
func TestStateCache(t *testing.T) {
	f := newFixture(t, modeltest.Backends()[0])
	ctx := context.Background()
	m := f.member(f.union)
	tok := f.token(m)
	key := fmt.Sprintf("{m:%d}:card", m.ID)
	expectReason(t, f, tok, card.Valid)
	if v, err := f.cache.Get(ctx, key); err != nil || v == "-" {
		t.Fatalf("not cached: %q %v", v, err)
	}
	// A change nobody announces is not seen (the cache is what is read)…
	if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("status", model.MemberSuspended).Error; err != nil {
		t.Fatal(err)
	}
	expectReason(t, f, tok, card.Valid)
	// …the announced one is, at once, and the reader does not refill.
	if err := f.svc.Invalidate(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	expectReason(t, f, tok, card.ReasonNotActive)
	if v, _ := f.cache.Get(ctx, key); v != "-" {
		t.Fatalf("refilled under the tombstone: %q", v)
	}
	// After the tombstone expires, the next reader fills from the table.
	if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("status", model.MemberActive).Error; err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(11 * time.Second)
	expectReason(t, f, tok, card.Valid)
	if v, err := f.cache.Get(ctx, key); err != nil || v == "-" {
		t.Fatalf("not refilled: %q %v", v, err)
	}
}

func TestCacheFailureFallsBackToTheDatabase(t *testing.T) {
	f := newFixture(t, modeltest.Backends()[0])
	m := f.member(f.union)
	tok := f.token(m)
	broken := cache.NewMemory(f.clock.Now)
	_ = broken.Close() // every call now fails with ErrUnavailable
	svc, err := card.New(card.Deps{DB: f.db, Cache: broken, Keys: f.ring, Now: f.clock.Now}, card.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Verify(context.Background(), f.verifier, tok, 0)
	if err != nil || !r.Valid {
		t.Fatalf("%+v %v", r, err)
	}
	if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("status", model.MemberSuspended).Error; err != nil {
		t.Fatal(err)
	}
	if r, _ := svc.Verify(context.Background(), f.verifier, tok, 0); r.Reason != card.ReasonNotActive {
		t.Fatalf("without a cache the table decides: %s", r.Reason)
	}
	if err := svc.Invalidate(context.Background(), m.ID); err == nil {
		t.Error("Invalidate on a dead cache reports nothing")
	}
}
