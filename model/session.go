package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Session is one login: a family of rotating refresh tokens. Only the hash
// of the current refresh token is kept.
type Session struct {
	ID           int64
	UserID       int64
	RefreshHash  string
	RotatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    *time.Time
	RevokeReason *string
	CreatedAt    time.Time
}

// Active reports whether the session may still be used at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// SessionStore reads and writes sessions; the table is the truth that the
// cache mirrors.
type SessionStore struct{ db *gorm.DB }

// NewSessionStore returns a SessionStore on db.
func NewSessionStore(db *gorm.DB) *SessionStore { return &SessionStore{db: db} }

// Create inserts s.
func (s *SessionStore) Create(ctx context.Context, sess *Session) error {
	return Translate(Conn(ctx, s.db).Create(sess).Error)
}

// Get returns the session with id, or ErrNotFound.
func (s *SessionStore) Get(ctx context.Context, id int64) (*Session, error) {
	var sess Session
	if err := Translate(Conn(ctx, s.db).Take(&sess, id).Error); err != nil {
		return nil, err
	}
	return &sess, nil
}

// Rotate replaces the refresh hash when oldHash is still the current one
// and the session is live; otherwise it returns ErrConflict (the token was
// already spent, or the session revoked or expired). The condition in the
// UPDATE decides, so of two concurrent rotations exactly one wins.
func (s *SessionStore) Rotate(ctx context.Context, id int64, oldHash, newHash string, now, expires time.Time) error {
	res := Conn(ctx, s.db).Model(&Session{}).
		Where("id = ? AND refresh_hash = ? AND revoked_at IS NULL AND expires_at > ?", id, oldHash, now).
		Updates(map[string]any{"refresh_hash": newHash, "rotated_at": now, "expires_at": expires})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// Revoke ends the session; revoking a revoked session changes nothing.
func (s *SessionStore) Revoke(ctx context.Context, id int64, reason string, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&Session{}).
		Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "revoke_reason": reason}).Error)
}
