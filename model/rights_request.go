package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Rights request kinds and statuses (API.md §10).
const (
	RightsCorrection = "correction"
	RightsNotMe      = "not_me"

	RightsPending  = "pending"
	RightsApproved = "approved"
	RightsRejected = "rejected"
	// RightsWithdrawn: the requester's account was cancelled (注销)
	// before a decision.
	RightsWithdrawn = "withdrawn"
)

// RightsRequest is a person's correction request or dispute about their
// member record (or open application), decided by its union's admins.
// FieldsEnc seals the requested values (JSON); FieldNames lists their
// API names, comma-separated.
type RightsRequest struct {
	ID             int64
	UserID         int64
	MemberID       *int64
	ApplicationID  *int64
	OrgID          int64
	Kind           string
	Status         string
	PendingKey     *string
	FieldsEnc      *string
	FieldNames     *string
	EventID        *int64
	Reason         string
	DueOn          string
	DecidedBy      *int64
	DecidedAt      *time.Time
	DecisionReason *string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// RightsRow is a request with the name of the person it is about (the
// member's, or the application's) for the admins' list.
type RightsRow struct {
	RightsRequest `gorm:"embedded"`
	PersonName    *string
}

// RightsFilter selects requests for the admins' list. Overdue: nil for no
// filter; Today is the business date it is judged on.
type RightsFilter struct {
	Paths   []string
	OrgID   int64
	Status  string
	Overdue *bool
	Today   string
}

// RightsStore reads and writes rights requests.
type RightsStore struct{ db *gorm.DB }

// NewRightsStore returns a RightsStore on db.
func NewRightsStore(db *gorm.DB) *RightsStore { return &RightsStore{db: db} }

// Create inserts r; ErrDuplicate when the user has a pending one of the kind.
func (s *RightsStore) Create(ctx context.Context, r *RightsRequest) error {
	return Translate(Conn(ctx, s.db).Create(r).Error)
}

// ListForUser lists the user's requests, newest first.
func (s *RightsStore) ListForUser(ctx context.Context, userID int64, p Page) ([]RightsRequest, error) {
	var out []RightsRequest
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}

// GetInScope returns request id when its union lies under paths.
func (s *RightsStore) GetInScope(ctx context.Context, id int64, paths []string) (*RightsRequest, error) {
	var r RightsRequest
	err := Conn(ctx, s.db).Scopes(OrgInSubtrees(paths, "org_id")).Where("id = ?", id).Take(&r).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &r, nil
}

// List lists the requests of unions under f.Paths, newest first, each with
// the person's name.
func (s *RightsStore) List(ctx context.Context, f RightsFilter, p Page) ([]RightsRow, error) {
	q := Conn(ctx, s.db).Table("rights_requests AS r").
		Select("r.*, COALESCE(m.name, a.name) AS person_name").
		Joins("LEFT JOIN members m ON m.id = r.member_id").
		Joins("LEFT JOIN applications a ON a.id = r.application_id").
		Scopes(OrgInSubtrees(f.Paths, "r.org_id"))
	if f.OrgID != 0 {
		q = q.Where("r.org_id = ?", f.OrgID)
	}
	if f.Status != "" {
		q = q.Where("r.status = ?", f.Status)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			q = q.Where("r.status = ? AND r.due_on < ?", RightsPending, f.Today)
		} else {
			q = q.Where("NOT (r.status = ? AND r.due_on < ?)", RightsPending, f.Today)
		}
	}
	var out []RightsRow
	return out, Translate(q.Scopes(Keyset(p, "r")).Scan(&out).Error)
}

// Decide moves a pending request to status when its version still holds;
// ErrConflict otherwise.
func (s *RightsStore) Decide(ctx context.Context, id int64, version int, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	fields["pending_key"] = nil
	res := Conn(ctx, s.db).Model(&RightsRequest{}).Where("id = ? AND version = ? AND status = ?", id, version, RightsPending).
		Updates(fields)
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// followSubject moves the pending rights requests about a subject (where
// selects it by id) to org, in the caller's transaction: a request is
// decided by the admins of the union the person is in now.
func followSubject(ctx context.Context, db *gorm.DB, where string, id int64, org any) error {
	return Translate(Conn(ctx, db).Model(&RightsRequest{}).Where(where+" AND status = ?", id, RightsPending).
		Updates(map[string]any{"org_id": org, "version": gorm.Expr("version + 1")}).Error)
}

// Get returns request id.
func (s *RightsStore) Get(ctx context.Context, id int64) (*RightsRequest, error) {
	var r RightsRequest
	if err := Translate(Conn(ctx, s.db).Take(&r, id).Error); err != nil {
		return nil, err
	}
	return &r, nil
}

// RightsCount is a subtree's pending rights requests and the overdue among
// them.
type RightsCount struct {
	Pending, Overdue int64
}

// CountRights counts the pending rights requests of the orgs under path,
// and those due before today (YYYY-MM-DD). Its cost is one range of
// ix_rights_requests_due per org of the subtree, as long as that org's
// pending list: it grows with the pending requests, never with the
// members.
func (s *StatsStore) CountRights(ctx context.Context, path, today string) (RightsCount, error) {
	var out RightsCount
	err := Conn(ctx, s.db).Table("rights_requests AS r").
		Select("COUNT(*) AS pending, COALESCE(SUM(CASE WHEN r.due_on < ? THEN 1 ELSE 0 END), 0) AS overdue", today).
		Joins("JOIN orgs o ON o.id = r.org_id").Scopes(InSubtrees([]string{path}, "o")).
		Where("r.status = ?", RightsPending).Scan(&out).Error
	return out, Translate(err)
}

// EventOf returns event id when it is one of member's events.
func (s *MemberStore) EventOf(ctx context.Context, memberID, id int64) (*MembershipEvent, error) {
	var e MembershipEvent
	if err := Translate(Conn(ctx, s.db).Where("id = ? AND member_id = ?", id, memberID).Take(&e).Error); err != nil {
		return nil, err
	}
	return &e, nil
}

// LatestForUser returns the newest member record linked to the user,
// whatever its status, or ErrNotFound.
func (s *MemberStore) LatestForUser(ctx context.Context, userID int64) (*Member, error) {
	var m Member
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Order("created_at DESC").Order("id DESC").Take(&m).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &m, nil
}
