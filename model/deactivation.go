package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Deactivation request sources and statuses.
const (
	DeactivationSourceWeChat = "wechat"
	DeactivationSourceUser   = "user"
	// DeactivationPending: waiting for its effective_at (the cooling-off).
	DeactivationPending = "pending"
	// DeactivationRunning: the account is closed (sessions revoked, WeChat
	// binding gone, nothing readable); its data is being deleted.
	DeactivationRunning = "running"
	// DeactivationDone: carried out; nothing personal is left.
	DeactivationDone = "done"
	// DeactivationCancelled: the user changed their mind in time.
	DeactivationCancelled = "cancelled"
)

// DeactivationRequest is a request to cancel (注销) a user's account,
// carried out at EffectiveAt by the deletion job (service/account).
type DeactivationRequest struct {
	ID          int64
	UserID      int64
	RequestedAt time.Time
	EffectiveAt time.Time
	Source      string
	Status      string
	// Reason is the user's; erased when the request is carried out.
	Reason *string
	// LeaveRoll: the member record also leaves the roll (status left).
	LeaveRoll bool
	// PendingKey is the user id while pending or running, else nil (one
	// live request per user).
	PendingKey  *int64
	CancelledAt *time.Time
	FinishedAt  *time.Time
}

// DeactivationStore reads and writes deactivation requests.
type DeactivationStore struct{ db *gorm.DB }

// NewDeactivationStore returns a DeactivationStore on db.
func NewDeactivationStore(db *gorm.DB) *DeactivationStore { return &DeactivationStore{db: db} }

// Create inserts r; ErrDuplicate when the user already has a live
// (pending or running) request.
func (s *DeactivationStore) Create(ctx context.Context, r *DeactivationRequest) error {
	if r.Status == DeactivationPending || r.Status == DeactivationRunning {
		key := r.UserID
		r.PendingKey = &key
	}
	return Translate(Conn(ctx, s.db).Create(r).Error)
}

// Pending returns the user's live (pending or running) requests.
func (s *DeactivationStore) Pending(ctx context.Context, userID int64) ([]DeactivationRequest, error) {
	var out []DeactivationRequest
	err := Conn(ctx, s.db).Where("pending_key = ?", userID).Find(&out).Error
	return out, Translate(err)
}

// Get returns request id, or ErrNotFound.
func (s *DeactivationStore) Get(ctx context.Context, id int64) (*DeactivationRequest, error) {
	var r DeactivationRequest
	if err := Translate(Conn(ctx, s.db).Take(&r, id).Error); err != nil {
		return nil, err
	}
	return &r, nil
}

// DueNow moves the user's pending request's effective_at to now (WeChat's
// cancellation event skips the cooling-off) and reports whether there was
// one.
func (s *DeactivationStore) DueNow(ctx context.Context, userID int64, now time.Time) (bool, error) {
	res := Conn(ctx, s.db).Model(&DeactivationRequest{}).
		Where("pending_key = ? AND status = ? AND effective_at > ?", userID, DeactivationPending, now).
		Update("effective_at", now)
	return res.RowsAffected > 0, Translate(res.Error)
}

// Cancel cancels the user's pending request; ErrNotFound when there is
// none pending (a running one can no longer be cancelled).
func (s *DeactivationStore) Cancel(ctx context.Context, userID int64, now time.Time) error {
	res := Conn(ctx, s.db).Model(&DeactivationRequest{}).
		Where("pending_key = ? AND status = ?", userID, DeactivationPending).
		Updates(map[string]any{"status": DeactivationCancelled, "pending_key": nil, "cancelled_at": now})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// Due returns up to limit requests to work on: running ones (a node died
// while deleting) and pending ones whose effective_at has come, oldest
// first.
func (s *DeactivationStore) Due(ctx context.Context, now time.Time, limit int) ([]DeactivationRequest, error) {
	var out []DeactivationRequest
	err := Conn(ctx, s.db).Where("status = ? OR (status = ? AND effective_at <= ?)", DeactivationRunning, DeactivationPending, now).
		Order("effective_at").Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// Start moves request id from pending to running; false when it is no
// longer pending (cancelled meanwhile, or another node started it).
func (s *DeactivationStore) Start(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := Conn(ctx, s.db).Model(&DeactivationRequest{}).
		Where("id = ? AND status = ? AND effective_at <= ?", id, DeactivationPending, now).
		Update("status", DeactivationRunning)
	return res.RowsAffected == 1, Translate(res.Error)
}

// Finish marks running request id done and erases the reasons of every
// request of the user.
func (s *DeactivationStore) Finish(ctx context.Context, id, userID int64, now time.Time) error {
	db := Conn(ctx, s.db)
	if err := db.Model(&DeactivationRequest{}).Where("user_id = ?", userID).Update("reason", nil).Error; err != nil {
		return Translate(err)
	}
	return Translate(db.Model(&DeactivationRequest{}).Where("id = ? AND status = ?", id, DeactivationRunning).
		Updates(map[string]any{"status": DeactivationDone, "pending_key": nil, "finished_at": now}).Error)
}
