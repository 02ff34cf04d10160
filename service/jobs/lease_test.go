package jobs_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/jobs"
)

func TestTryLease(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		l := jobs.NewLeases(db, clk.Now)
		steps := []struct {
			name    string
			advance time.Duration
			owner   string
			want    bool
		}{
			{"first taker gets it", 0, "a", true},
			{"owner renews its own at the same instant (row unchanged)", 0, "a", true},
			{"other owner is refused while it lasts", 30 * time.Second, "b", false},
			{"owner renews its own later", 10 * time.Second, "a", true},
			{"still refused before the renewed expiry", 59 * time.Second, "b", false},
			{"expired lease goes to another owner", 2 * time.Second, "b", true},
			{"previous owner is now refused", 0, "a", false},
		}
		for _, s := range steps {
			clk.Advance(s.advance)
			got, err := l.TryLease(ctx, "cleanup", s.owner, time.Minute)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got != s.want {
				t.Fatalf("%s: got %v, want %v", s.name, got, s.want)
			}
		}
		if _, err := l.TryLease(ctx, "", "a", time.Minute); err == nil {
			t.Fatal("empty lease name accepted")
		}
	})
}

func TestTryLeaseConcurrentFirstUse(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, a, b *gorm.DB) {
		clk := newClock()
		nodes := []*jobs.Leases{jobs.NewLeases(a, clk.Now), jobs.NewLeases(b, clk.Now)}
		var winners atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				ok, err := nodes[i%2].TryLease(context.Background(), "daily", "owner-"+string(rune('a'+i)), time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					winners.Add(1)
				}
			})
		}
		wg.Wait()
		if n := winners.Load(); n != 1 {
			t.Fatalf("%d owners got the lease, want 1", n)
		}
	})
}
