package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Transfer statuses.
const (
	TransferPending  = "pending"
	TransferApproved = "approved"
	TransferRejected = "rejected"
)

// Transfer is a member's request to move to another grassroots union
// (会籍接转), decided by the destination.
type Transfer struct {
	ID             int64
	MemberID       int64
	UserID         int64
	FromOrgID      int64
	ToOrgID        int64
	Status         string
	Reason         *string
	PendingKey     *int64
	DecidedBy      *int64
	DecidedAt      *time.Time
	DecisionReason *string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TransferStore reads and writes transfers.
type TransferStore struct{ db *gorm.DB }

// NewTransferStore returns a TransferStore on db.
func NewTransferStore(db *gorm.DB) *TransferStore { return &TransferStore{db: db} }

// Create inserts t; ErrDuplicate when the member has a pending one.
func (s *TransferStore) Create(ctx context.Context, t *Transfer) error {
	return Translate(Conn(ctx, s.db).Create(t).Error)
}

// GetForDestination returns transfer id when its destination lies under paths.
func (s *TransferStore) GetForDestination(ctx context.Context, id int64, paths []string) (*Transfer, error) {
	var t Transfer
	err := Conn(ctx, s.db).Scopes(OrgInSubtrees(paths, "to_org_id")).Where("id = ?", id).Take(&t).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &t, nil
}

// ListForDestination lists transfers into unions under paths, newest first.
func (s *TransferStore) ListForDestination(ctx context.Context, paths []string, orgID int64, status string, p Page) ([]Transfer, error) {
	q := Conn(ctx, s.db).Scopes(OrgInSubtrees(paths, "to_org_id"))
	if orgID != 0 {
		q = q.Where("to_org_id = ?", orgID)
	}
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var out []Transfer
	return out, Translate(q.Scopes(Keyset(p, "")).Find(&out).Error)
}

// ListForMember lists a member's transfers, newest first.
func (s *TransferStore) ListForMember(ctx context.Context, memberID int64, p Page) ([]Transfer, error) {
	var out []Transfer
	err := Conn(ctx, s.db).Where("member_id = ?", memberID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}

// Decide moves a pending transfer to status when its version still holds.
func (s *TransferStore) Decide(ctx context.Context, id int64, version int, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	fields["pending_key"] = nil
	res := Conn(ctx, s.db).Model(&Transfer{}).Where("id = ? AND version = ? AND status = ?", id, version, TransferPending).Updates(fields)
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// CancelPending ends a member's pending transfer (the member left the roll).
func (s *TransferStore) CancelPending(ctx context.Context, memberID int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&Transfer{}).Where("pending_key = ?", memberID).
		Updates(map[string]any{"status": TransferRejected, "pending_key": nil, "decision_reason": "会员已离开名册",
			"decided_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error)
}

// FollowMembers keeps the pending transfers of members that a dissolution
// moved to union to: a transfer into to itself is done (approved, with
// reason, decided by actor), any other now starts from to. It returns how
// many it approved.
func (s *TransferStore) FollowMembers(ctx context.Context, memberIDs []int64, to, actor int64, reason string, now time.Time) (int64, error) {
	if len(memberIDs) == 0 {
		return 0, nil
	}
	db := Conn(ctx, s.db)
	res := db.Model(&Transfer{}).Where("pending_key IN ? AND to_org_id = ?", memberIDs, to).
		Updates(map[string]any{"status": TransferApproved, "pending_key": nil, "decision_reason": reason,
			"decided_by": actor, "decided_at": now, "updated_at": now, "version": gorm.Expr("version + 1")})
	if err := Translate(res.Error); err != nil {
		return 0, err
	}
	err := db.Model(&Transfer{}).Where("pending_key IN ?", memberIDs).
		Updates(map[string]any{"from_org_id": to, "updated_at": now, "version": gorm.Expr("version + 1")}).Error
	return res.RowsAffected, Translate(err)
}
