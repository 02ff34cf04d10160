package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Deactivation request sources and statuses.
const (
	DeactivationSourceWeChat = "wechat"
	DeactivationPending      = "pending"
)

// DeactivationRequest is a request to cancel (注销) a user's account,
// carried out at EffectiveAt by the deletion job (issue 14 item 5).
type DeactivationRequest struct {
	ID          int64
	UserID      int64
	RequestedAt time.Time
	EffectiveAt time.Time
	Source      string
	Status      string
}

// DeactivationStore reads and writes deactivation requests.
type DeactivationStore struct{ db *gorm.DB }

// NewDeactivationStore returns a DeactivationStore on db.
func NewDeactivationStore(db *gorm.DB) *DeactivationStore { return &DeactivationStore{db: db} }

// Create inserts r.
func (s *DeactivationStore) Create(ctx context.Context, r *DeactivationRequest) error {
	return Translate(Conn(ctx, s.db).Create(r).Error)
}

// Pending returns the user's pending requests.
func (s *DeactivationStore) Pending(ctx context.Context, userID int64) ([]DeactivationRequest, error) {
	var out []DeactivationRequest
	err := Conn(ctx, s.db).Where("user_id = ? AND status = ?", userID, DeactivationPending).Find(&out).Error
	return out, Translate(err)
}
