package model

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Session is one login: a family of rotating refresh tokens. Only hashes
// are kept: the current refresh token's, and those of the last
// SpentTokensKept tokens it replaced.
type Session struct {
	ID          int64
	UserID      int64
	RefreshHash string
	// SpentHashes holds the hashes of the last spent refresh tokens,
	// newest first, separated by spaces (migration11).
	SpentHashes  string
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

// SpentTokensKept is how many spent refresh tokens a session remembers.
// A token spent longer ago than that is no longer recognised as a reuse;
// presenting it is a plain refusal.
const SpentTokensKept = 16

// IsCurrent reports whether hash is the current refresh token's hash, in
// constant time.
func (s *Session) IsCurrent(hash string) bool {
	return subtle.ConstantTimeCompare([]byte(hash), []byte(s.RefreshHash)) == 1
}

// WasSpent reports whether hash is one of the remembered spent refresh
// tokens' hashes. Every entry is compared, in constant time each.
func (s *Session) WasSpent(hash string) bool {
	found := 0
	for _, h := range strings.Fields(s.SpentHashes) {
		found |= subtle.ConstantTimeCompare([]byte(hash), []byte(h))
	}
	return found == 1
}

// spentAfter is the spent list once the current token is spent: the
// current hash first, then the newest of the others.
func (s *Session) spentAfter() string {
	list := append([]string{s.RefreshHash}, strings.Fields(s.SpentHashes)...)
	return strings.Join(list[:min(len(list), SpentTokensKept)], " ")
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

// Rotate spends the current refresh token of sess (as read) and makes
// newHash current, when sess.RefreshHash is still the current one and the
// session is live; otherwise it returns ErrConflict (the token was spent
// meanwhile, or the session revoked or expired). The condition in the
// UPDATE decides, so of two concurrent rotations exactly one wins; and as
// only a rotation changes the spent list, the list read with sess is the
// one the winner extends.
func (s *SessionStore) Rotate(ctx context.Context, sess *Session, newHash string, now, expires time.Time) error {
	res := Conn(ctx, s.db).Model(&Session{}).
		Where("id = ? AND refresh_hash = ? AND revoked_at IS NULL AND expires_at > ?", sess.ID, sess.RefreshHash, now).
		Updates(map[string]any{"refresh_hash": newHash, "spent_hashes": sess.spentAfter(),
			"rotated_at": now, "expires_at": expires})
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

// ActiveIDs returns the ids of the user's sessions not yet revoked.
func (s *SessionStore) ActiveIDs(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).Pluck("id", &ids).Error
	return ids, Translate(err)
}
