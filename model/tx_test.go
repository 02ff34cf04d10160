package model_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestInTxRunsDeadlockVictimsAgain: two transactions that lock two rows in
// opposite orders deadlock; the one the database rolls back is run again
// and commits, so neither caller sees the deadlock.
func TestInTxRunsDeadlockVictimsAgain(t *testing.T) {
	eachMySQL(t, func(t *testing.T, db *gorm.DB) {
		var runs atomic.Int32
		crossDeadlock(t, db, func(context.Context, int) { runs.Add(1) })
		if runs.Load() < 3 {
			t.Fatalf("%d runs: the deadlock did not happen, so the test proves nothing", runs.Load())
		}
		var total int
		if err := db.Raw(`SELECT SUM(n) FROM tx_probe`).Scan(&total).Error; err != nil || total != 4 {
			t.Fatalf("sum %d (%v), want 4: each transaction committed once", total, err)
		}
	})
}

// eachMySQL runs fn on each MySQL backend the test environment names;
// SQLite has one writer at a time, so there are no deadlocks to break.
func eachMySQL(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, b := range modeltest.Backends() {
		if b.Driver != model.DialectMySQL {
			continue
		}
		t.Run(b.Name, func(t *testing.T) { fn(t, modeltest.Open(t, b)) })
	}
}

// crossDeadlock makes the database break a deadlock: two transactions run
// through InTx and lock the two rows of a fresh table tx_probe in opposite
// orders, each waiting until both hold their first row. attempt runs at the
// start of every attempt, with its context and the row it locks first (1 or
// 2). It fails t if the deadlock reaches either caller; whether it happened
// at all is for the caller to judge from what attempt saw.
func crossDeadlock(t *testing.T, db *gorm.DB, attempt func(ctx context.Context, first int)) {
	t.Helper()
	ctx := context.Background()
	if err := db.Exec(`CREATE TABLE tx_probe (id INT PRIMARY KEY, n INT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO tx_probe VALUES (1, 0), (2, 0)`).Error; err != nil {
		t.Fatal(err)
	}
	firstLocks := sync.WaitGroup{}
	firstLocks.Add(2)
	cross := func(first, second int) error {
		var once sync.Once
		return model.InTx(ctx, db, func(ctx context.Context) error {
			attempt(ctx, first)
			tx := model.Conn(ctx, db)
			if err := tx.Exec(`UPDATE tx_probe SET n = n + 1 WHERE id = ?`, first).Error; err != nil {
				return err
			}
			once.Do(func() { firstLocks.Done(); firstLocks.Wait() }) // both hold their first row
			return tx.Exec(`UPDATE tx_probe SET n = n + 1 WHERE id = ?`, second).Error
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- cross(1, 2) }()
	go func() { errs <- cross(2, 1) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a deadlock reached the caller: %v", err)
		}
	}
}

func TestIsDeadlock(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&mysql.MySQLError{Number: 1213}, true},
		{errors.Join(errors.New("approve"), &mysql.MySQLError{Number: 9007}), true},
		{&mysql.MySQLError{Number: 1062}, false},
		{errors.New("Deadlock found"), false},
		{nil, false},
	} {
		if got := model.IsDeadlock(tc.err); got != tc.want {
			t.Errorf("IsDeadlock(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
