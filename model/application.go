package model

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Application statuses (API.md §4).
const (
	AppDraft     = "draft"
	AppSubmitted = "submitted"
	AppApproved  = "approved"
	AppRejected  = "rejected"
	AppReturned  = "returned"
	AppWithdrawn = "withdrawn"
)

// OpenStatuses are the statuses of an open application; a user has at
// most one (enforced by the unique open_key).
var OpenStatuses = []string{AppDraft, AppSubmitted, AppReturned}

// Employment is the work part of a form or a member record.
type Employment struct {
	EmployerName       *string
	JobTitle           *string
	HiredOn            *string
	WorkType           *string
	IsMigrantWorker    bool
	IsDispatched       bool
	DispatchAgencyName *string
	DispatchAgencyUSCC *string `gorm:"column:dispatch_agency_uscc"`
}

// Person is the real-name part of a form or a member record.
type Person struct {
	Name            string
	IDType          string
	Gender          *string
	BirthDate       *string
	Ethnicity       *string
	Education       *string
	PoliticalStatus *string
	HouseholdType   *string
}

// Application is a request to join a grassroots union. The ID number and
// phone are stored encrypted with blind indexes.
type Application struct {
	ID                  int64
	UserID              int64
	OrgID               int64
	Status              string
	Version             int
	OpenKey             *int64
	ConsentID           *int64
	Person              `gorm:"embedded"`
	IDNumberEnc         *string
	IDNumberIdx         *string
	PhoneEnc            *string
	Employment          `gorm:"embedded"`
	PhotoUploadID       *int64
	IDCardFrontUploadID *int64
	IDCardBackUploadID  *int64
	ProofUploadIDs      *string // ",id1,id2," so one id matches exactly with LIKE
	Flagged             bool
	ReviewReason        *string
	ReviewedBy          *int64
	ReviewedAt          *time.Time
	MemberID            *int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	SubmittedAt         *time.Time
	// DueOn is the review deadline of the latest submission (YYYY-MM-DD,
	// business date); nil before the first one.
	DueOn *string
	// RemindedAt, DueRemindedAt and EscalatedAt record the deadline notices
	// sent for the latest submission (3 working days before, on the day,
	// once overdue); a resubmission clears them.
	RemindedAt    *time.Time
	DueRemindedAt *time.Time
	EscalatedAt   *time.Time
}

// ApplicationStore reads and writes applications.
type ApplicationStore struct{ db *gorm.DB }

// NewApplicationStore returns an ApplicationStore on db.
func NewApplicationStore(db *gorm.DB) *ApplicationStore { return &ApplicationStore{db: db} }

// Create inserts a; ErrDuplicate when the user already has an open one.
func (s *ApplicationStore) Create(ctx context.Context, a *Application) error {
	return Translate(Conn(ctx, s.db).Create(a).Error)
}

// Get returns application id, or ErrNotFound.
func (s *ApplicationStore) Get(ctx context.Context, id int64) (*Application, error) {
	var a Application
	if err := Translate(Conn(ctx, s.db).Take(&a, id).Error); err != nil {
		return nil, err
	}
	return &a, nil
}

// GetOwned returns application id when userID owns it, else ErrNotFound.
func (s *ApplicationStore) GetOwned(ctx context.Context, id, userID int64) (*Application, error) {
	var a Application
	if err := Translate(Conn(ctx, s.db).Where("id = ? AND user_id = ?", id, userID).Take(&a).Error); err != nil {
		return nil, err
	}
	return &a, nil
}

// GetInScope returns application id when its union lies under paths and it
// has been submitted at least once (drafts are the applicant's alone).
func (s *ApplicationStore) GetInScope(ctx context.Context, id int64, paths []string) (*Application, error) {
	var a Application
	err := Conn(ctx, s.db).Scopes(OrgInSubtrees(paths, "org_id")).
		Where("id = ? AND status <> ?", id, AppDraft).Take(&a).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &a, nil
}

// Open returns the user's open application, or ErrNotFound.
func (s *ApplicationStore) Open(ctx context.Context, userID int64) (*Application, error) {
	var a Application
	if err := Translate(Conn(ctx, s.db).Where("open_key = ?", userID).Take(&a).Error); err != nil {
		return nil, err
	}
	return &a, nil
}

// Latest returns the user's newest application, or ErrNotFound.
func (s *ApplicationStore) Latest(ctx context.Context, userID int64) (*Application, error) {
	var a Application
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Order("created_at DESC").Order("id DESC").Take(&a).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &a, nil
}

// ListOwned lists the user's applications, newest first.
func (s *ApplicationStore) ListOwned(ctx context.Context, userID int64, p Page) ([]Application, error) {
	var out []Application
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}

// ReviewFilter selects the review queue.
type ReviewFilter struct {
	Paths []string
	OrgID int64 // 0: the whole scope
	// OrgPath is OrgID's path when the caller has it from its own role
	// binding there. The store then checks here that it lies in Paths and
	// filters by the id alone, without the subquery over orgs.
	OrgPath  string
	Statuses []string // nil: every status but draft
	// Due, when set, keeps the overdue applications only (Overdue) or
	// all but them.
	Due *DueFilter
}

// DueFilter selects by the review deadline. An application is overdue on
// Today while it is submitted and its due_on is before Today.
// CreatedBefore is the start of the day after the last submission date
// that is overdue on Today: an overdue application was submitted by then,
// so created by then, and the bound lets the queue's index start there.
type DueFilter struct {
	Overdue       bool
	Today         string // YYYY-MM-DD
	CreatedBefore time.Time
}

// scope applies f to a query of applications.
func (f DueFilter) scope(db *gorm.DB) *gorm.DB {
	if f.Overdue {
		return db.Where("status = ? AND due_on < ? AND created_at < ?", AppSubmitted, f.Today, f.CreatedBefore.UTC())
	}
	return db.Where("(status <> ? OR due_on IS NULL OR due_on >= ?)", AppSubmitted, f.Today)
}

// ListForReview lists applications in scope, newest first, with the
// columns a list shows only (reviewListColumns). The covering index
// ix_applications_review (org_id, status, created_at, id, then those
// columns) serves it without reading the rows.
func (s *ApplicationStore) ListForReview(ctx context.Context, f ReviewFilter, p Page) ([]Application, error) {
	q := Conn(ctx, s.db)
	switch {
	case f.OrgID != 0 && f.OrgPath != "" && underAny(f.OrgPath, f.Paths):
		q = q.Where("org_id = ?", f.OrgID)
	default:
		q = q.Scopes(OrgInSubtrees(f.Paths, "org_id"))
		if f.OrgID != 0 {
			q = q.Where("org_id = ?", f.OrgID)
		}
	}
	if f.Statuses != nil {
		q = q.Where("status IN ?", f.Statuses)
	} else {
		q = q.Where("status <> ?", AppDraft)
	}
	if f.Due != nil {
		q = f.Due.scope(q)
	}
	rows, err := q.Model(&Application{}).Select(reviewListColumns).Scopes(Keyset(p, "")).Rows()
	if err != nil {
		return nil, Translate(err)
	}
	defer rows.Close()
	out := make([]Application, 0, p.Limit+1)
	for rows.Next() {
		var a Application
		if err := rows.Scan(&a.ID, &a.OrgID, &a.Status, &a.Version, &a.Name, &a.IDType, &a.Gender, &a.BirthDate,
			&a.IDNumberEnc, &a.WorkType, &a.IsMigrantWorker, &a.IsDispatched, &a.Flagged, &a.CreatedAt,
			&a.SubmittedAt, &a.DueOn, &a.EscalatedAt); err != nil {
			return nil, Translate(err)
		}
		out = append(out, a)
	}
	return out, Translate(rows.Err())
}

// underAny reports whether path lies in one of the subtrees paths.
func underAny(path string, paths []string) bool {
	for _, p := range paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// reviewListColumns are the columns a review list shows, in the order
// ListForReview scans them (the rest of each Application stays zero):
// reading every column of every row, and scanning them by reflection,
// was most of a page's cost. ix_applications_review holds each of them
// (migrations 10 and 14): a column added here must be added there.
const reviewListColumns = "id, org_id, status, version, name, id_type, gender, birth_date, id_number_enc, " +
	"work_type, is_migrant_worker, is_dispatched, flagged, created_at, submitted_at, due_on, escalated_at"

// Transition applies fields to application id when it still has version
// and one of the from statuses, and bumps the version. The WHERE decides,
// so of concurrent decisions exactly one wins; the others get ErrConflict.
// An application moved to another org (fields name org_id) takes its
// pending rights requests with it.
func (s *ApplicationStore) Transition(ctx context.Context, id int64, version int, from []string, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	res := Conn(ctx, s.db).Model(&Application{}).Where("id = ? AND version = ? AND status IN ?", id, version, from).Updates(fields)
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	if org, moved := fields["org_id"]; moved {
		return followSubject(ctx, s.db, "application_id = ? AND member_id IS NULL", id, org)
	}
	return nil
}

// UsesUpload returns the union of an application in scope that refers to
// upload id (0 when none does). An application that made a member counts
// only while that member's union is in scope too: after a transfer out,
// the old union no longer reaches the person's files.
func (s *ApplicationStore) UsesUpload(ctx context.Context, uploadID int64, paths []string) (int64, error) {
	var orgs []int64
	db := Conn(ctx, s.db)
	members := db.Session(&gorm.Session{NewDB: true}).Model(&Member{}).Select("id").Scopes(OrgInSubtrees(paths, "org_id"))
	err := db.Model(&Application{}).Scopes(OrgInSubtrees(paths, "org_id")).
		Where("status <> ?", AppDraft).
		Where("member_id IS NULL OR member_id IN (?)", members).
		Where("photo_upload_id = ? OR id_card_front_upload_id = ? OR id_card_back_upload_id = ? OR proof_upload_ids LIKE ?"+likeEscape,
			uploadID, uploadID, uploadID, "%,"+idText(uploadID)+",%").Limit(1).Pluck("org_id", &orgs).Error
	if len(orgs) == 0 {
		return 0, Translate(err)
	}
	return orgs[0], nil
}

// SetMember links an approved application to the member it created.
func (s *ApplicationStore) SetMember(ctx context.Context, id, memberID int64) error {
	return Translate(Conn(ctx, s.db).Model(&Application{}).Where("id = ?", id).Update("member_id", memberID).Error)
}

// SetFlagged marks an application for the reviewer's attention.
func (s *ApplicationStore) SetFlagged(ctx context.Context, id int64, flagged bool) error {
	return Translate(Conn(ctx, s.db).Model(&Application{}).Where("id = ?", id).Update("flagged", flagged).Error)
}
