package model_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// effectFunc registers the effect called name in the transaction of ctx.
type effectFunc func(ctx context.Context, name string)

// TestAfterCommit: effects registered in a transaction run once, in order,
// after the outermost transaction commits, and see its writes from another
// connection; a rollback (an error, a panic, a failed nested unit) runs
// none of the effects it takes back.
func TestAfterCommit(t *testing.T) {
	errBoom := errors.New("boom")
	insert := func(ctx context.Context, db *gorm.DB, id int) error {
		return model.Conn(ctx, db).Exec(`INSERT INTO tx_effects (id) VALUES (?)`, id).Error
	}
	for _, tc := range []struct {
		name    string
		run     func(ctx context.Context, db *gorm.DB, effect effectFunc) error
		wantErr bool
		want    []string // effects run, in order
		rows    int      // rows committed
	}{
		{name: "commit runs every effect in order", rows: 2, want: []string{"a", "b"},
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				return model.InTx(ctx, db, func(ctx context.Context) error {
					effect(ctx, "a")
					if err := insert(ctx, db, 1); err != nil {
						return err
					}
					effect(ctx, "b")
					return insert(ctx, db, 2)
				})
			}},
		{name: "an error rolls back and runs nothing", wantErr: true,
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				return model.InTx(ctx, db, func(ctx context.Context) error {
					if err := insert(ctx, db, 1); err != nil {
						return err
					}
					effect(ctx, "a")
					return errBoom
				})
			}},
		{name: "a panic rolls back and runs nothing", wantErr: true,
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) (err error) {
				defer func() {
					if recover() != nil {
						err = errBoom
					}
				}()
				return model.InTx(ctx, db, func(ctx context.Context) error {
					effect(ctx, "a")
					if err := insert(ctx, db, 1); err != nil {
						return err
					}
					panic("boom")
				})
			}},
		{name: "nested effects wait for the outer commit", rows: 2, want: []string{"outer", "inner"},
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				return model.InTx(ctx, db, func(ctx context.Context) error {
					effect(ctx, "outer")
					if err := model.InTx(ctx, db, func(ctx context.Context) error {
						effect(ctx, "inner")
						return insert(ctx, db, 1)
					}); err != nil {
						return err
					}
					return insert(ctx, db, 2)
				})
			}},
		{name: "a failed nested unit drops its effects", rows: 1, want: []string{"before", "after"},
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				return model.InTx(ctx, db, func(ctx context.Context) error {
					effect(ctx, "before")
					if err := model.InTx(ctx, db, func(ctx context.Context) error {
						effect(ctx, "inner")
						return errBoom
					}); !errors.Is(err, errBoom) {
						return fmt.Errorf("nested: %v", err)
					}
					effect(ctx, "after")
					return insert(ctx, db, 1)
				})
			}},
		{name: "an outer rollback drops nested effects", wantErr: true,
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				return model.InTx(ctx, db, func(ctx context.Context) error {
					if err := model.InTx(ctx, db, func(ctx context.Context) error {
						effect(ctx, "inner")
						return insert(ctx, db, 1)
					}); err != nil {
						return err
					}
					return errBoom
				})
			}},
		{name: "without a transaction the effect runs at once", want: []string{"now"},
			run: func(ctx context.Context, db *gorm.DB, effect effectFunc) error {
				effect(ctx, "now")
				return nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
				if err := db.Exec(`CREATE TABLE tx_effects (id INT PRIMARY KEY)`).Error; err != nil {
					t.Fatal(err)
				}
				var ran []string
				effect := func(ctx context.Context, name string) {
					model.AfterCommit(ctx, func(ctx context.Context) {
						// Read outside any transaction: another connection
						// sees what was committed, and only that.
						var n int
						if err := model.Conn(ctx, db).Raw(`SELECT COUNT(*) FROM tx_effects`).Scan(&n).Error; err != nil {
							t.Errorf("effect %q: count: %v", name, err)
						}
						if n != tc.rows {
							t.Errorf("effect %q saw %d committed rows, want %d: it ran before the commit", name, n, tc.rows)
						}
						ran = append(ran, name)
					})
				}
				err := tc.run(context.Background(), db, effect)
				if (err != nil) != tc.wantErr {
					t.Fatalf("err = %v, want error %v", err, tc.wantErr)
				}
				if !slices.Equal(ran, tc.want) {
					t.Errorf("effects run %q, want %q", ran, tc.want)
				}
			})
		})
	}
}

// TestAfterCommitOnceAfterDeadlock: of a transaction the database rolled
// back to break a deadlock and InTx ran again, only the attempt that
// committed runs its effects.
func TestAfterCommitOnceAfterDeadlock(t *testing.T) {
	eachMySQL(t, func(t *testing.T, db *gorm.DB) {
		var runs, effects [3]atomic.Int32
		crossDeadlock(t, db, func(ctx context.Context, first int) {
			runs[first].Add(1)
			model.AfterCommit(ctx, func(context.Context) { effects[first].Add(1) })
		})
		if runs[1].Load()+runs[2].Load() < 3 {
			t.Fatal("the deadlock did not happen, so the test proves nothing")
		}
		for i := 1; i <= 2; i++ {
			if n := effects[i].Load(); n != 1 {
				t.Errorf("transaction %d ran %d times and its effect %d times, want once", i, runs[i].Load(), n)
			}
		}
	})
}
