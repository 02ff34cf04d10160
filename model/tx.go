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

// txAttempts is how often InTx runs a transaction that the database chose
// as a deadlock victim before it gives up and returns the error.
const txAttempts = 4

// Conn returns the transaction carried by ctx, or db, bound to ctx. Stores
// call it for every query, so a service can run several stores' writes in
// one transaction by passing the context from InTx.
func Conn(ctx context.Context, db *gorm.DB) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return db.WithContext(ctx)
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
// transaction that a second run would repeat wrongly.
func InTx(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 1; ; attempt++ {
		err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(context.WithValue(ctx, txKey{}, tx))
		})
		if attempt == txAttempts || !IsDeadlock(err) || ctx.Err() != nil {
			return err
		}
		// A short random pause, so the victims do not meet again at once.
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
