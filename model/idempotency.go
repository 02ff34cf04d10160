package model

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// IdempotencyKey is a request that carried an Idempotency-Key header: in
// flight (Status 0, Body the claim's token, CreatedAt the claim's time)
// while its first request runs, then that request's stored first reply.
type IdempotencyKey struct {
	UserID      int64  `gorm:"primaryKey;autoIncrement:false"`
	IdemKey     string `gorm:"primaryKey"`
	Route       string
	RequestHash string
	Status      int
	Body        string
	CreatedAt   time.Time
}

// InFlight reports whether k is a claim whose request has not answered yet.
func (k *IdempotencyKey) InFlight() bool { return k.Status == 0 }

// IdempotencyStore keeps first replies for 24 hours, and the claims of the
// requests that are making them. The claim is a row of the database, so a
// retry on another node sees it too; it carries its time, so a claim whose
// request died with its node is taken over once its lease has passed.
type IdempotencyStore struct{ db *gorm.DB }

// NewIdempotencyStore returns an IdempotencyStore on db.
func NewIdempotencyStore(db *gorm.DB) *IdempotencyStore { return &IdempotencyStore{db: db} }

// claimTries bounds Claim's loop when the row it found keeps vanishing
// (released by its request between the insert and the read).
const claimTries = 3

// Claim inserts k, an in-flight claim (Status 0, Body a token of the
// caller's own), and returns nil when it did: the caller runs the request
// and then calls Complete or Release. When another request holds the key,
// Claim returns that row instead: a stored reply, or a claim in flight. A
// reply older than expiredBefore and a claim older than staleBefore (its
// request died) are replaced. Call it outside a transaction.
func (s *IdempotencyStore) Claim(ctx context.Context, k *IdempotencyKey, expiredBefore, staleBefore time.Time) (*IdempotencyKey, error) {
	db := Conn(ctx, s.db)
	for range claimTries {
		err := Translate(db.Where("user_id = ? AND idem_key = ? AND ((status <> 0 AND created_at <= ?) OR (status = 0 AND created_at <= ?))",
			k.UserID, k.IdemKey, expiredBefore, staleBefore).Delete(&IdempotencyKey{}).Error)
		if err != nil {
			return nil, err
		}
		err = Translate(db.Create(k).Error)
		if !errors.Is(err, ErrDuplicate) {
			return nil, err
		}
		var cur IdempotencyKey
		err = Translate(db.Where("user_id = ? AND idem_key = ?", k.UserID, k.IdemKey).Take(&cur).Error)
		if !errors.Is(err, ErrNotFound) {
			return &cur, err
		}
	}
	return nil, ErrConflict
}

// Get returns the row of (user, key), in flight or done, or ErrNotFound.
func (s *IdempotencyStore) Get(ctx context.Context, userID int64, key string) (*IdempotencyKey, error) {
	var k IdempotencyKey
	if err := Translate(Conn(ctx, s.db).Where("user_id = ? AND idem_key = ?", userID, key).Take(&k).Error); err != nil {
		return nil, err
	}
	return &k, nil
}

// Complete turns the caller's claim (its token) into the stored reply, in
// the transaction that did the work, so the reply exists exactly when the
// work does. ErrConflict when the claim is no longer the caller's (its
// lease passed and another request took the key over): roll back.
func (s *IdempotencyStore) Complete(ctx context.Context, userID int64, key, token string, status int, body string, now time.Time) error {
	res := Conn(ctx, s.db).Model(&IdempotencyKey{}).
		Where("user_id = ? AND idem_key = ? AND status = 0 AND body = ?", userID, key, token).
		Updates(map[string]any{"status": status, "body": body, "created_at": now})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// Release drops the caller's claim when its request made nothing (an
// error is not a first reply: a corrected retry may run).
func (s *IdempotencyStore) Release(ctx context.Context, userID int64, key, token string) error {
	return Translate(Conn(ctx, s.db).Where("user_id = ? AND idem_key = ? AND status = 0 AND body = ?", userID, key, token).
		Delete(&IdempotencyKey{}).Error)
}
