package model

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

type txKey struct{}

// txState is one attempt of an outermost InTx: its transaction and the
// effects registered to run once it commits.
type txState struct {
	tx    *gorm.DB
	after []func(context.Context)
}

// txAttempts is how often InTx runs a transaction that the database chose
// as a deadlock victim before it gives up and returns the error.
const txAttempts = 4

// Conn returns the transaction carried by ctx, or db, bound to ctx. Stores
// call it for every query, so a service can run several stores' writes in
// one transaction by passing the context from InTx.
func Conn(ctx context.Context, db *gorm.DB) *gorm.DB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.WithContext(ctx)
	}
	return db.WithContext(ctx)
}

// InTransaction reports whether ctx carries a transaction: its reads may
// see its own uncommitted writes, or an older snapshot than a statement of
// its own would, so they must not fill a cache others read.
func InTransaction(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*txState)
	return ok
}

// InTx runs fn in a transaction that travels in the context it is given;
// an error or panic rolls it back. Nested calls join the outer transaction.
//
// A transaction the database rolled back to break a deadlock (MySQL 1213;
// TiDB's write conflict 9007) is run again from the start, up to txAttempts
// times: InnoDB picks such victims among concurrent writers of the same
// rows (two reviewers approving one application), and the run that follows
// sees the winner's commit and answers as a late writer would (a stale
// version), instead of a 500. fn must therefore do nothing outside the
// transaction that a second run would repeat wrongly: it registers such
// effects with AfterCommit, and only the attempt that commits runs them.
func InTx(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		// A nested unit that fails takes its effects with it, even when the
		// outer transaction goes on and commits.
		mark := len(st.after)
		err := fn(ctx)
		if err != nil && len(st.after) > mark {
			st.after = st.after[:mark]
		}
		return err
	}
	var err error
	for attempt := 1; ; attempt++ {
		st := &txState{}
		err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			st.tx = tx
			return fn(context.WithValue(ctx, txKey{}, st))
		})
		if err == nil {
			for _, effect := range st.after {
				effect(ctx)
			}
			return nil
		}
		if attempt == txAttempts || !IsDeadlock(err) || ctx.Err() != nil {
			return err
		}
		// A short random pause, so the victims do not meet again at once.
		time.Sleep(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond)
	}
}

// AfterCommit registers effect to run once the transaction in ctx commits:
// waking a deliverer, deleting files, dropping cache entries — whatever
// others must see only after the change, and never after a rollback.
// Effects run in the order registered, after the outermost InTx commits,
// with the context that InTx was given (no transaction in it: an effect
// that reads or writes the database does so on its own); an attempt rolled
// back (an error, a panic, a deadlock run again) runs none of its effects.
// Without a transaction in ctx the write has already committed, and effect
// runs at once. An effect handles its own errors: the change stands.
func AfterCommit(ctx context.Context, effect func(ctx context.Context)) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.after = append(st.after, effect)
		return
	}
	effect(ctx)
}

// Write runs one statement, stmt applied to the connection for ctx, and
// runs it again when the database picked it as a deadlock victim. Outside
// a transaction a statement commits on its own, and InnoDB may still pick
// it as a victim: two nodes settling neighbouring rows of a queue move
// entries of the same secondary index in opposite orders. Such a statement
// changed nothing and may run again. Inside a transaction the database
// rolled the whole transaction back, so Write returns the error for InTx
// to run the transaction again from its start.
func Write(ctx context.Context, db *gorm.DB, stmt func(q *gorm.DB) *gorm.DB) *gorm.DB {
	_, inTx := ctx.Value(txKey{}).(*txState)
	for attempt := 1; ; attempt++ {
		res := stmt(Conn(ctx, db))
		if inTx || attempt == txAttempts || !IsDeadlock(res.Error) || ctx.Err() != nil {
			return res
		}
		time.Sleep(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond)
	}
}

// IsDeadlock reports whether err is the database rolling a transaction
// back to break a deadlock or a write conflict, after which the whole
// transaction may be run again.
func IsDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 9007)
}
