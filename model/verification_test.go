package model_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestInsertVerificationBatch: a batch of more rows than one INSERT takes
// (two full statements and a shorter one on MySQL) is written whole, every
// column as given, absent ones NULL, times in UTC to the second's fraction
// the column keeps.
func TestInsertVerificationBatch(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 2, 18, 30, 5, 123_000_000, time.FixedZone("CST", 8*3600))
		want := make([]model.Verification, 450)
		for i := range want {
			v := model.Verification{ID: model.NewID(), VerifierID: int64(1000 + i%3), Result: "valid", CreatedAt: at.Add(time.Duration(i) * time.Second)}
			if i%4 != 0 {
				member, benefit, token := int64(5000+i), int64(77), "tok-"+string(rune('a'+i%26))
				v.MemberID, v.TokenID = &member, &token
				if i%2 == 0 {
					v.BenefitID = &benefit
				}
			} else {
				v.Result = "malformed"
			}
			want[i] = v
		}
		if err := model.NewVerificationStore(db).InsertBatch(ctx, want); err != nil {
			t.Fatal(err)
		}
		var got []model.Verification
		if err := db.Order("created_at").Find(&got).Error; err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d rows written, want %d", len(got), len(want))
		}
		eq := func(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		for i, g := range got {
			w := want[i]
			if g.ID != w.ID || g.VerifierID != w.VerifierID || g.Result != w.Result || !eq(g.MemberID, w.MemberID) ||
				!eq(g.BenefitID, w.BenefitID) || (g.TokenID == nil) != (w.TokenID == nil) ||
				(g.TokenID != nil && *g.TokenID != *w.TokenID) || !g.CreatedAt.Equal(w.CreatedAt.Truncate(time.Millisecond)) {
				t.Fatalf("row %d: got %+v, want %+v", i, g, w)
			}
		}
	})
}
