package model_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestIdempotencyClaims: one request claims a key, others find its claim
// or its reply; a claim whose request died is taken over after its lease,
// and the dead request can no longer store a reply.
func TestIdempotencyClaims(t *testing.T) {
	const lease, ttl = 2 * time.Minute, 24 * time.Hour
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := model.NewIdempotencyStore(db)
		t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		claimAt := func(at time.Time, token string) (*model.IdempotencyKey, error) {
			return s.Claim(ctx, &model.IdempotencyKey{UserID: 7, IdemKey: "k", Route: "POST /x", RequestHash: "h",
				Body: token, CreatedAt: at}, at.Add(-ttl), at.Add(-lease))
		}
		mustHold := func(held *model.IdempotencyKey, err error, inFlight bool, body string) {
			t.Helper()
			if err != nil || held == nil || held.InFlight() != inFlight || held.Body != body {
				t.Fatalf("got %+v, %v; want a row in flight=%v with body %q", held, err, inFlight, body)
			}
		}
		if held, err := claimAt(t0, "claim:a"); err != nil || held != nil {
			t.Fatalf("first claim: %+v, %v", held, err)
		}
		held, err := claimAt(t0.Add(lease-time.Second), "claim:b")
		mustHold(held, err, true, "claim:a")

		// a's node dies; after the lease b takes the key over.
		if held, err := claimAt(t0.Add(lease), "claim:b"); err != nil || held != nil {
			t.Fatalf("claim after the lease: %+v, %v", held, err)
		}
		if err := s.Complete(ctx, 7, "k", "claim:a", 201, `{"from":"a"}`, t0.Add(lease)); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("the dead claim completed: %v", err)
		}
		if err := s.Release(ctx, 7, "k", "claim:a"); err != nil {
			t.Fatal(err)
		}
		if err := s.Complete(ctx, 7, "k", "claim:b", 201, `{"from":"b"}`, t0.Add(lease)); err != nil {
			t.Fatal(err)
		}
		held, err = claimAt(t0.Add(lease+ttl-time.Second), "claim:c")
		mustHold(held, err, false, `{"from":"b"}`)

		// A released claim frees the key; a reply past its 24 h is replaced.
		if held, err := claimAt(t0.Add(lease+ttl), "claim:d"); err != nil || held != nil {
			t.Fatalf("claim after the reply expired: %+v, %v", held, err)
		}
		if err := s.Release(ctx, 7, "k", "claim:d"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, 7, "k"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("released claim still there: %v", err)
		}
	})
}
