package model_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// A session remembers the hashes of its last SpentTokensKept spent refresh
// tokens, newest first, and forgets older ones; the current hash is never
// among the spent.
func TestSessionRemembersSpentTokens(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := model.NewSessionStore(db)
		now := time.Now().UTC()
		hash := func(i int) string { return fmt.Sprintf("%064x", i) } // as long as a real hash
		s := &model.Session{ID: model.NewID(), UserID: 1, RefreshHash: hash(0), RotatedAt: now, ExpiresAt: now.Add(time.Hour), CreatedAt: now}
		if err := store.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		last := model.SpentTokensKept + 3
		for i := 1; i <= last; i++ {
			if err := store.Rotate(ctx, s, hash(i), now, now.Add(time.Hour)); err != nil {
				t.Fatalf("rotation %d: %v", i, err)
			}
			var err error
			if s, err = store.Get(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name           string
			hash           string
			current, spent bool
		}{
			{"current", hash(last), true, false},
			{"spent last", hash(last - 1), false, true},
			{"oldest remembered", hash(last - model.SpentTokensKept), false, true},
			{"forgotten", hash(last - model.SpentTokensKept - 1), false, false},
			{"first", hash(0), false, false},
			{"never issued", hash(1000), false, false},
			{"empty", "", false, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := s.IsCurrent(tc.hash); got != tc.current {
					t.Errorf("IsCurrent = %v, want %v", got, tc.current)
				}
				if got := s.WasSpent(tc.hash); got != tc.spent {
					t.Errorf("WasSpent = %v, want %v", got, tc.spent)
				}
			})
		}
	})
}
