package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// IdempotencyKey is the stored first reply to a request that carried an
// Idempotency-Key header.
type IdempotencyKey struct {
	UserID    int64  `gorm:"primaryKey;autoIncrement:false"`
	IdemKey   string `gorm:"primaryKey"`
	Route     string
	Status    int
	Body      string
	CreatedAt time.Time
}

// IdempotencyStore keeps first replies for 24 hours.
type IdempotencyStore struct{ db *gorm.DB }

// NewIdempotencyStore returns an IdempotencyStore on db.
func NewIdempotencyStore(db *gorm.DB) *IdempotencyStore { return &IdempotencyStore{db: db} }

// Get returns the stored reply for (user, key) newer than since, or ErrNotFound.
func (s *IdempotencyStore) Get(ctx context.Context, userID int64, key, route string, since time.Time) (*IdempotencyKey, error) {
	var k IdempotencyKey
	err := Conn(ctx, s.db).Where("user_id = ? AND idem_key = ? AND route = ? AND created_at > ?", userID, key, route, since).Take(&k).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &k, nil
}

// Save stores a first reply; ErrDuplicate when another request with the
// same key saved one first (in the same transaction as the work, so the
// loser's work rolls back). An expired key is replaced.
func (s *IdempotencyStore) Save(ctx context.Context, k *IdempotencyKey, expiredBefore time.Time) error {
	db := Conn(ctx, s.db)
	if err := Translate(db.Where("user_id = ? AND idem_key = ? AND created_at <= ?", k.UserID, k.IdemKey, expiredBefore).
		Delete(&IdempotencyKey{}).Error); err != nil {
		return err
	}
	return Translate(db.Create(k).Error)
}
