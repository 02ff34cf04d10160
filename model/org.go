package model

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Org types and statuses.
const (
	OrgFederation = "federation"
	OrgGrassroots = "grassroots"

	UnionSingle = "single"
	UnionJoint  = "joint"

	OrgActive = "active"
	// OrgDissolving is a union whose members are being moved to another
	// by a dissolution job: it takes no one new, and is dissolved when the
	// job ends.
	OrgDissolving = "dissolving"
	OrgDissolved  = "dissolved"
)

// Org is a union organisation: a federation or a grassroots union. Path is
// the materialised ancestor path ("/1/7/42/", the org's own id last), so a
// subtree is one indexed prefix scan.
type Org struct {
	ID                  int64
	ParentID            *int64
	Path                string
	Depth               int
	Type                string
	UnionKind           *string
	Name                string
	RegionCode          string
	UnitName            *string
	USCC                *string `gorm:"column:uscc"`
	UnitType            *string
	IndustryCode        *string
	Address             *string
	WorkerCount         int
	AcceptsApplications bool
	Status              string
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// ChildPath returns the path of a child with id under o.
func (o *Org) ChildPath(id int64) string { return o.Path + strconv.FormatInt(id, 10) + "/" }

// AncestorIDs returns the ids on o's path, root first, o itself last.
func (o *Org) AncestorIDs() []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// RootPath is the path of a root org with id.
func RootPath(id int64) string { return "/" + strconv.FormatInt(id, 10) + "/" }

// InSubtrees restricts a query on orgs to the subtrees under paths (each
// path itself included). No paths means nothing: a scope is never widened
// by being empty. This is the data scope every admin query goes through.
func InSubtrees(paths []string, table string) func(*gorm.DB) *gorm.DB {
	col := "path"
	if table != "" {
		col = table + ".path"
	}
	return func(db *gorm.DB) *gorm.DB {
		if len(paths) == 0 {
			return db.Where("1 = 0")
		}
		conds := make([]string, len(paths))
		args := make([]any, len(paths))
		for i, p := range paths {
			conds[i] = col + " LIKE ?" + likeEscape
			args[i] = escapeLike(p) + "%"
		}
		return db.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
}

// OrgInSubtrees restricts a query on a table with an org id column to rows
// whose org lies in the subtrees under paths.
func OrgInSubtrees(paths []string, orgIDColumn string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if len(paths) == 0 {
			return db.Where("1 = 0")
		}
		sub := db.Session(&gorm.Session{NewDB: true}).Model(&Org{}).Select("id").Scopes(InSubtrees(paths, ""))
		return db.Where(orgIDColumn+" IN (?)", sub)
	}
}

// likeEscape is the escape character of every LIKE pattern; '!' means the
// same in SQLite and MySQL (a backslash would need escaping in MySQL).
const likeEscape = " ESCAPE '!'"

// escapeLike keeps user text and paths literal in LIKE patterns, so a
// search or a scope is never widened by a wildcard.
func escapeLike(s string) string {
	r := strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`)
	return r.Replace(s)
}

// OrgStore reads and writes orgs.
type OrgStore struct{ db *gorm.DB }

// NewOrgStore returns an OrgStore on db.
func NewOrgStore(db *gorm.DB) *OrgStore { return &OrgStore{db: db} }

// Create inserts o.
func (s *OrgStore) Create(ctx context.Context, o *Org) error {
	return Translate(Conn(ctx, s.db).Create(o).Error)
}

// Get returns the org with id, or ErrNotFound.
func (s *OrgStore) Get(ctx context.Context, id int64) (*Org, error) {
	var o Org
	if err := Translate(Conn(ctx, s.db).Take(&o, id).Error); err != nil {
		return nil, err
	}
	return &o, nil
}

// Lock returns the org with id, locked until the caller's transaction
// ends (SELECT … FOR UPDATE on MySQL and TiDB; SQLite serialises writers),
// or ErrNotFound. A role binding created at the org under this lock cannot
// slip past a change of the org (rename, dissolution) at the same time:
// the change waits for the lock, then sees the binding and drops its
// user's cached roles.
func (s *OrgStore) Lock(ctx context.Context, id int64) (*Org, error) {
	var o Org
	err := Conn(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&o).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &o, nil
}

// GetInScope returns the org with id when it lies under one of paths;
// otherwise ErrNotFound, as if it did not exist.
func (s *OrgStore) GetInScope(ctx context.Context, id int64, paths []string) (*Org, error) {
	var o Org
	err := Conn(ctx, s.db).Scopes(InSubtrees(paths, "")).Where("id = ?", id).Take(&o).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &o, nil
}

// GetMany returns the orgs with ids, by id.
func (s *OrgStore) GetMany(ctx context.Context, ids []int64) (map[int64]*Org, error) {
	out := make(map[int64]*Org, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var orgs []Org
	if err := Translate(Conn(ctx, s.db).Where("id IN ?", ids).Find(&orgs).Error); err != nil {
		return nil, err
	}
	for i := range orgs {
		out[orgs[i].ID] = &orgs[i]
	}
	return out, nil
}

// Root returns the root org (the one without a parent), or ErrNotFound.
func (s *OrgStore) Root(ctx context.Context) (*Org, error) {
	var o Org
	err := Conn(ctx, s.db).Where("parent_id IS NULL").Order("created_at").Take(&o).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &o, nil
}

// Children lists the direct children of parent, newest first.
func (s *OrgStore) Children(ctx context.Context, parent int64, p Page) ([]Org, error) {
	var orgs []Org
	err := Conn(ctx, s.db).Where("parent_id = ?", parent).Scopes(Keyset(p, "")).Find(&orgs).Error
	return orgs, Translate(err)
}

// CountActiveChildren counts the children of id that are not dissolved
// (a dissolving child still counts: its members are still moving).
func (s *OrgStore) CountActiveChildren(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := Conn(ctx, s.db).Model(&Org{}).Where("parent_id = ? AND status <> ?", id, OrgDissolved).Count(&n).Error
	return n, Translate(err)
}

// SearchFilter selects orgs for the public search.
type SearchFilter struct {
	Query      string // substring of name or unit name
	RegionCode string // prefix of the region code
	// Intake lists the intake points (federations accepting applications)
	// instead of the grassroots unions.
	Intake bool
}

// Search lists active grassroots unions accepting applications, or with
// f.Intake the intake points, newest first (ix_orgs_search either way).
func (s *OrgStore) Search(ctx context.Context, f SearchFilter, p Page) ([]Org, error) {
	typ := OrgGrassroots
	if f.Intake {
		typ = OrgFederation
	}
	q := Conn(ctx, s.db).Where("type = ? AND status = ? AND accepts_applications = ?", typ, OrgActive, true)
	if f.RegionCode != "" {
		q = q.Where("region_code LIKE ?"+likeEscape, escapeLike(f.RegionCode)+"%")
	}
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("(name LIKE ?"+likeEscape+" OR unit_name LIKE ?"+likeEscape+")", like, like)
	}
	var orgs []Org
	return orgs, Translate(q.Scopes(Keyset(p, "")).Find(&orgs).Error)
}

// Update writes fields of org id when its version is still version, and
// bumps the version; ErrConflict when it moved on.
func (s *OrgStore) Update(ctx context.Context, id int64, version int, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	res := Conn(ctx, s.db).Model(&Org{}).Where("id = ? AND version = ?", id, version).Updates(fields)
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}
