package card_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
)

// TestBenefitsKeptByTheNode checks that redemptions read a benefit from
// the database once per benefitCacheTTL (benefits never change), that an
// unknown benefit is asked for every time.
func TestBenefitsKeptByTheNode(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			ctx := context.Background()
			var reads atomic.Int64
			err := f.db.Callback().Query().Before("gorm:query").Register("test:count_benefit_reads", func(tx *gorm.DB) {
				if tx.Statement.Table == "benefits" {
					reads.Add(1)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			limit := 5
			bf := &model.Benefit{ID: model.NewID(), OrgID: f.union.ID, Title: "观影券", StartsOn: "2026-01-01",
				EndsOn: "2026-12-31", PerMemberLimit: &limit, CreatedBy: f.verifier.UserID}
			if err := model.NewBenefitStore(f.db).Create(ctx, bf); err != nil {
				t.Fatal(err)
			}
			redeem := func(benefitID int64) error {
				t.Helper()
				r, err := f.svc.Verify(ctx, f.verifier, f.token(f.member(f.union)), benefitID)
				if err == nil && (!r.Valid || r.Redemption == nil) {
					t.Fatalf("redeeming: %+v", r)
				}
				return err
			}
			steps := []struct {
				name    string
				advance time.Duration
				benefit int64
				wantErr bool
				reads   int64 // benefit reads so far
			}{
				{"first redemption reads the benefit", 0, bf.ID, false, 1},
				{"the next ones do not", 0, bf.ID, false, 1},
				{"nor a minute later", time.Minute, bf.ID, false, 1},
				{"after the ttl it is read again", 10 * time.Minute, bf.ID, false, 2},
				{"an unknown benefit is read", 0, model.NewID(), true, 3},
				{"and read again, never kept", 0, model.NewID(), true, 4},
			}
			for _, st := range steps {
				f.clock.Advance(st.advance)
				err := redeem(st.benefit)
				var se *service.Error
				if st.wantErr != (err != nil) || err != nil && (!errors.As(err, &se) || se.Kind != service.KindNotFound) {
					t.Fatalf("%s: err = %v", st.name, err)
				}
				if n := reads.Load(); n != st.reads {
					t.Errorf("%s: %d benefit reads, want %d", st.name, n, st.reads)
				}
			}
		})
	}
}
