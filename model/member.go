package model

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Member statuses (API.md §6). On the roll: active, retained, suspended.
const (
	MemberActive    = "active"
	MemberRetained  = "retained"
	MemberSuspended = "suspended"
	MemberLeft      = "left"
	MemberRemoved   = "removed"
	MemberDeceased  = "deceased"
)

// OnRollStatuses are the statuses of members on the roll.
var OnRollStatuses = []string{MemberActive, MemberRetained, MemberSuspended}

// Member is a person on the real-name roll (or who was). RollKey is the
// ID-number blind index while on the roll and NULL after.
type Member struct {
	ID            int64
	MemberNo      string
	UserID        *int64
	OrgID         int64
	Status        string
	Person        `gorm:"embedded"`
	IDNumberEnc   string
	IDNumberIdx   string
	RollKey       *string
	PhoneEnc      *string
	PhoneIdx      *string
	Employment    `gorm:"embedded"`
	PhotoUploadID *int64
	JoinedOn      string
	CardVersion   int
	Version       int
	ApplicationID *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// MembershipEvent is one line of a member's history (会籍变化).
type MembershipEvent struct {
	ID           int64
	MemberID     int64
	Type         string
	NationalCode *string
	Reason       *string
	FromOrgID    *int64
	ToOrgID      *int64
	ActorID      *int64
	CreatedAt    time.Time
}

// MemberStore reads and writes the roll.
type MemberStore struct{ db *gorm.DB }

// NewMemberStore returns a MemberStore on db.
func NewMemberStore(db *gorm.DB) *MemberStore { return &MemberStore{db: db} }

// Create inserts m; ErrDuplicate when the person is already on the roll
// (roll_key) or the member number is taken.
func (s *MemberStore) Create(ctx context.Context, m *Member) error {
	return Translate(Conn(ctx, s.db).Create(m).Error)
}

// OnRollByIDIndex returns the member on the roll with the ID-number blind
// index, or ErrNotFound.
func (s *MemberStore) OnRollByIDIndex(ctx context.Context, idx string) (*Member, error) {
	var m Member
	if err := Translate(Conn(ctx, s.db).Where("roll_key = ?", idx).Take(&m).Error); err != nil {
		return nil, err
	}
	return &m, nil
}

// OnRollForUser returns the user's member record on the roll, or ErrNotFound.
func (s *MemberStore) OnRollForUser(ctx context.Context, userID int64) (*Member, error) {
	var m Member
	err := Conn(ctx, s.db).Where("user_id = ? AND status IN ?", userID, OnRollStatuses).Take(&m).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &m, nil
}

// OnRollIDForUser returns the id of the user's member record on the roll,
// or ErrNotFound.
func (s *MemberStore) OnRollIDForUser(ctx context.Context, userID int64) (int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&Member{}).Where("user_id = ? AND status IN ?", userID, OnRollStatuses).
		Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return 0, Translate(err)
	}
	if len(ids) == 0 {
		return 0, ErrNotFound
	}
	return ids[0], nil
}

// CountOnRoll counts the members on the roll of org.
func (s *MemberStore) CountOnRoll(ctx context.Context, orgID int64) (int64, error) {
	var n int64
	err := Conn(ctx, s.db).Model(&Member{}).Where("org_id = ? AND status IN ?", orgID, OnRollStatuses).Count(&n).Error
	return n, Translate(err)
}

// OnRollBatch returns up to limit members on the roll of org, in id order
// (a dissolution takes them a batch at a time: a member moved leaves the
// set, so no cursor is needed).
func (s *MemberStore) OnRollBatch(ctx context.Context, orgID int64, limit int) ([]Member, error) {
	var out []Member
	err := Conn(ctx, s.db).Where("org_id = ? AND status IN ?", orgID, OnRollStatuses).Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// UsesUpload returns the union of a member in scope whose photo is upload
// id (0 when none).
func (s *MemberStore) UsesUpload(ctx context.Context, uploadID int64, paths []string) (int64, error) {
	var orgs []int64
	err := Conn(ctx, s.db).Model(&Member{}).Scopes(OrgInSubtrees(paths, "org_id")).
		Where("photo_upload_id = ?", uploadID).Limit(1).Pluck("org_id", &orgs).Error
	if len(orgs) == 0 {
		return 0, Translate(err)
	}
	return orgs[0], nil
}

// AddEvent appends a line to a member's history.
func (s *MemberStore) AddEvent(ctx context.Context, e *MembershipEvent) error {
	return Translate(Conn(ctx, s.db).Create(e).Error)
}

// memberNoSeq is one member-number counter.
type memberNoSeq struct {
	Prefix  string `gorm:"primaryKey"`
	NextVal int64
}

func (memberNoSeq) TableName() string { return "member_no_seq" }

// NextMemberNo allocates the next member number under prefix (the union's
// six-digit region code): prefix + an eight-digit sequence, e.g.
// 42010600000017. The counter row is incremented in the caller's
// transaction and stays locked until it ends, so numbers are unique across
// nodes and on TiDB; a rolled-back approval gives its number back.
func (s *MemberStore) NextMemberNo(ctx context.Context, prefix string) (string, error) {
	var next int64
	err := InTx(ctx, s.db, func(ctx context.Context) error {
		db := Conn(ctx, s.db)
		// One upsert creates or moves the counter; SQLite returns the value
		// in the same statement, MySQL reads it back under the row's lock.
		if Dialect(s.db) == DialectSQLite {
			return Translate(db.Raw(`INSERT INTO member_no_seq (prefix, next_val) VALUES (?, 2)
				ON CONFLICT (prefix) DO UPDATE SET next_val = next_val + 1 RETURNING next_val`, prefix).Scan(&next).Error)
		}
		if err := db.Exec(`INSERT INTO member_no_seq (prefix, next_val) VALUES (?, 2)
			ON DUPLICATE KEY UPDATE next_val = next_val + 1`, prefix).Error; err != nil {
			return Translate(err)
		}
		return Translate(db.Raw(`SELECT next_val FROM member_no_seq WHERE prefix = ?`, prefix).Scan(&next).Error)
	})
	if err != nil {
		return "", err
	}
	if next < 2 {
		return "", fmt.Errorf("member number counter %s: read %d", prefix, next)
	}
	n := next - 1
	if n > 99_999_999 {
		return "", fmt.Errorf("member numbers under %s exhausted", prefix)
	}
	return fmt.Sprintf("%s%08d", prefix, n), nil
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// Get returns member id, or ErrNotFound.
func (s *MemberStore) Get(ctx context.Context, id int64) (*Member, error) {
	var m Member
	if err := Translate(Conn(ctx, s.db).Take(&m, id).Error); err != nil {
		return nil, err
	}
	return &m, nil
}

// GetInScope returns member id when its union lies under paths.
func (s *MemberStore) GetInScope(ctx context.Context, id int64, paths []string) (*Member, error) {
	var m Member
	err := Conn(ctx, s.db).Scopes(OrgInSubtrees(paths, "org_id")).Where("id = ?", id).Take(&m).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &m, nil
}

// MemberFilter selects members for the admin list.
type MemberFilter struct {
	Paths    []string
	OrgID    int64
	Statuses []string
	Name     string // exact name
	MemberNo string // exact member number
}

// List lists members in scope, newest first ((org_id, status, created_at,
// id) serves a union's list).
func (s *MemberStore) List(ctx context.Context, f MemberFilter, p Page) ([]Member, error) {
	q := Conn(ctx, s.db).Scopes(OrgInSubtrees(f.Paths, "org_id"))
	if f.OrgID != 0 {
		q = q.Where("org_id = ?", f.OrgID)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Name != "" {
		q = q.Where("name = ?", f.Name)
	}
	if f.MemberNo != "" {
		q = q.Where("member_no = ?", f.MemberNo)
	}
	var out []Member
	return out, Translate(q.Scopes(Keyset(p, "")).Find(&out).Error)
}

// Update writes fields of member id when its version still holds, bumping
// it; ErrConflict otherwise. A member moved to another union (fields name
// org_id: a transfer, a dissolution) takes their pending rights requests
// with them: the new union's admins decide them, the old one's no longer
// see them.
func (s *MemberStore) Update(ctx context.Context, id int64, version int, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	res := Conn(ctx, s.db).Model(&Member{}).Where("id = ? AND version = ?", id, version).Updates(fields)
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	if org, moved := fields["org_id"]; moved {
		return followSubject(ctx, s.db, "member_id = ?", id, org)
	}
	return nil
}

// Events lists a member's history, newest first.
func (s *MemberStore) Events(ctx context.Context, memberID int64, p Page) ([]MembershipEvent, error) {
	var out []MembershipEvent
	err := Conn(ctx, s.db).Where("member_id = ?", memberID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}
