package model

import (
	"context"

	"gorm.io/gorm"
)

type txKey struct{}

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
func InTx(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}
