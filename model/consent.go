package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Consent is one PIPL consent of a user, with the notice version it was
// given for. The current consent is the newest one not withdrawn.
type Consent struct {
	ID            int64
	UserID        int64
	Version       string
	PersonalInfo  bool
	SensitiveInfo bool
	ShareUpward   bool
	GivenAt       time.Time
	WithdrawnAt   *time.Time
}

// Complete reports whether all three items are given.
func (c *Consent) Complete() bool { return c.PersonalInfo && c.SensitiveInfo && c.ShareUpward }

// ConsentStore reads and writes consents.
type ConsentStore struct{ db *gorm.DB }

// NewConsentStore returns a ConsentStore on db.
func NewConsentStore(db *gorm.DB) *ConsentStore { return &ConsentStore{db: db} }

// Create inserts c.
func (s *ConsentStore) Create(ctx context.Context, c *Consent) error {
	return Translate(Conn(ctx, s.db).Create(c).Error)
}

// Current returns the user's newest consent that is not withdrawn, or
// ErrNotFound.
func (s *ConsentStore) Current(ctx context.Context, userID int64) (*Consent, error) {
	var c Consent
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Order("given_at DESC").Order("id DESC").Take(&c).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	if c.WithdrawnAt != nil {
		return nil, ErrNotFound
	}
	return &c, nil
}

// History returns every consent of the user, oldest first.
func (s *ConsentStore) History(ctx context.Context, userID int64) ([]Consent, error) {
	var out []Consent
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Order("given_at").Order("id").Find(&out).Error
	return out, Translate(err)
}

// Withdraw marks every live consent of the user withdrawn.
func (s *ConsentStore) Withdraw(ctx context.Context, userID int64, now time.Time) (int64, error) {
	res := Conn(ctx, s.db).Model(&Consent{}).Where("user_id = ? AND withdrawn_at IS NULL", userID).Update("withdrawn_at", now)
	return res.RowsAffected, Translate(res.Error)
}
