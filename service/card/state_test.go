package card_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
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
	svc, err := card.New(service.Env{Now: f.clock.Now}, card.Deps{DB: f.db, Cache: broken, Keys: f.ring, PII: f.cipher}, card.Config{})
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

// TestMyCardHint: GET /me/card finds the member through the user's hint
// in the cache and trusts it only when the member's cached state (which
// every change invalidates) still names this user on the roll: a record
// claimed by another user, or one that left, is not shown through a hint
// that still points at it, even once the state was cached again.
func TestMyCardHint(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			ctx := context.Background()
			m := f.member(f.union)
			old := *m.UserID
			tok := f.token(m) // fills the state and the hint
			if v, err := f.cache.Get(ctx, fmt.Sprintf("{u:%d}:member", old)); err != nil || v != fmt.Sprint(m.ID) {
				t.Fatalf("hint = %q, %v", v, err)
			}
			// Claimed by another user: the state is invalidated, then
			// cached again (by a verification) once the tombstone is gone.
			other := model.NewID()
			if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("user_id", other).Error; err != nil {
				t.Fatal(err)
			}
			if err := f.svc.Invalidate(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(11 * time.Second)
			expectReason(t, f, tok, card.Valid)
			if _, err := f.svc.MyCard(ctx, old); err == nil {
				t.Fatal("the old user still gets the claimed card through the hint")
			}
			if _, err := f.svc.MyCardHinted(ctx, old, m.ID); err == nil {
				t.Fatal("the old user still gets the claimed card through the token's hint")
			}
			if c, err := f.svc.MyCardHinted(ctx, other, m.ID); err != nil || c.MemberID != m.ID {
				t.Fatalf("the new user's card through a hint = %+v, %v", c, err)
			}
			c, err := f.svc.MyCard(ctx, other)
			if err != nil || c.MemberID != m.ID || c.Name != "张三丰" {
				t.Fatalf("the new user's card = %+v, %v", c, err)
			}
			// Left the roll: same.
			f.setStatus(m, model.MemberLeft)
			f.clock.Advance(11 * time.Second)
			expectReason(t, f, tok, card.ReasonNotActive)
			if _, err := f.svc.MyCard(ctx, other); err == nil {
				t.Fatal("a member who left still gets the card through the hint")
			}
			if _, err := f.svc.MyCardHinted(ctx, other, m.ID); err == nil {
				t.Fatal("a member who left still gets the card through the token's hint")
			}
		})
	}
}
