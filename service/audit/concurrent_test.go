package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/audit"
)

// openNodes opens n handles on one fresh database, as n nodes would.
func openNodes(t *testing.T, b modeltest.Backend, n int) []*gorm.DB {
	t.Helper()
	dsn := modeltest.DSNFor(t, b)
	var dbs []*gorm.DB
	for i := 0; i < n; i++ {
		db, err := model.Open(context.Background(), model.Options{Driver: b.Driver, DSN: dsn, MaxOpenConns: 20})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = model.Close(db) })
		dbs = append(dbs, db)
	}
	if err := model.Migrate(context.Background(), dbs[0], nil); err != nil {
		t.Fatal(err)
	}
	return dbs
}

// TestConcurrentAppends has 20 goroutines on each of two nodes append at
// once, half of them inside a transaction with another write, and checks
// the result is one unbroken chain 1..N.
func TestConcurrentAppends(t *testing.T) {
	const workers, each = 20, 5
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			nodes := openNodes(t, b, 2)
			clk := newClock()
			var wg sync.WaitGroup
			errs := make(chan error, 2*workers*each)
			for n, db := range nodes {
				s := audit.New(db, audit.TestKey, clk.Now, nil)
				for w := 0; w < workers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < each; i++ {
							errs <- record(db, s, w%2 == 0, audit.Entry{ActorID: int64(w + 1), OrgID: int64(n + 1),
								Action: "test.concurrent", Target: fmt.Sprintf("node%d:w%d:%d", n, w, i)})
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			total := int64(2 * workers * each)
			s := audit.New(nodes[1], audit.TestKey, clk.Now, nil)
			s.SetBatch(17)
			n, brk, err := s.Verify(context.Background())
			if err != nil || brk != nil || n != total {
				t.Fatalf("verify: %d checked, %v, %v; want %d", n, brk, err, total)
			}
			if seq, _, _ := s.Head(context.Background()); seq != total {
				t.Errorf("head at %d, want %d", seq, total)
			}
			var users int64
			nodes[0].Model(&model.User{}).Count(&users)
			if want := total / 2; users != want {
				t.Errorf("%d users written beside the rows, want %d", users, want)
			}
		})
	}
}

// record appends e, in a transaction with another write when inTx.
func record(db *gorm.DB, s *audit.Service, inTx bool, e audit.Entry) error {
	ctx := context.Background()
	if !inTx {
		return s.Record(ctx, e)
	}
	return model.InTx(ctx, db, func(ctx context.Context) error {
		u := model.User{ID: model.NewID(), OpenID: "o-" + e.Target}
		if err := model.Conn(ctx, db).Create(&u).Error; err != nil {
			return err
		}
		return s.Record(ctx, e)
	})
}
