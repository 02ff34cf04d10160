package model

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RoleBinding gives a user one role at one org.
type RoleBinding struct {
	ID           int64
	UserID       int64
	OrgID        int64
	Role         string
	GrantedBy    int64
	InvitationID *int64
	CreatedAt    time.Time
	RevokedAt    *time.Time
	RevokedBy    *int64
}

// BindingWithOrg is a live binding with the org it points at.
type BindingWithOrg struct {
	RoleBinding
	OrgPath   string
	OrgType   string
	OrgName   string
	OrgStatus string
}

// RoleStore reads and writes role bindings.
type RoleStore struct{ db *gorm.DB }

// NewRoleStore returns a RoleStore on db.
func NewRoleStore(db *gorm.DB) *RoleStore { return &RoleStore{db: db} }

// Create inserts b.
func (s *RoleStore) Create(ctx context.Context, b *RoleBinding) error {
	return Translate(Conn(ctx, s.db).Create(b).Error)
}

// ActiveForUser returns the user's live bindings with their orgs. It reads
// the table on every call, so a revocation is seen at once by every node.
func (s *RoleStore) ActiveForUser(ctx context.Context, userID int64) ([]BindingWithOrg, error) {
	var out []BindingWithOrg
	err := Conn(ctx, s.db).Table("role_bindings").
		Select("role_bindings.*, orgs.path AS org_path, orgs.type AS org_type, orgs.name AS org_name, orgs.status AS org_status").
		Joins("JOIN orgs ON orgs.id = role_bindings.org_id").
		Where("role_bindings.user_id = ? AND role_bindings.revoked_at IS NULL", userID).
		Order("role_bindings.created_at").Scan(&out).Error
	return out, Translate(err)
}

// RoleGrant is a part of the caller's view of role bindings: the bindings
// of Roles at orgs under Path.
type RoleGrant struct {
	Path  string
	Roles []string
}

// RoleFilter selects bindings for the admin list.
type RoleFilter struct {
	Grants []RoleGrant // what the caller may see; none: nothing
	OrgID  int64       // 0: all of the scope
}

// List returns live bindings in scope, newest first.
func (s *RoleStore) List(ctx context.Context, f RoleFilter, p Page) ([]BindingWithOrg, error) {
	q := s.scoped(ctx, f)
	var out []BindingWithOrg
	err := q.Select("role_bindings.*, orgs.path AS org_path, orgs.type AS org_type, orgs.name AS org_name, orgs.status AS org_status").
		Scopes(Keyset(p, "role_bindings")).Scan(&out).Error
	return out, Translate(err)
}

// GetInScope returns the live binding id when f's grants cover it;
// ErrNotFound otherwise.
func (s *RoleStore) GetInScope(ctx context.Context, id int64, f RoleFilter) (*BindingWithOrg, error) {
	var out []BindingWithOrg
	err := s.scoped(ctx, f).Where("role_bindings.id = ?", id).
		Select("role_bindings.*, orgs.path AS org_path, orgs.type AS org_type, orgs.name AS org_name, orgs.status AS org_status").
		Limit(1).Scan(&out).Error
	if err != nil {
		return nil, Translate(err)
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return &out[0], nil
}

func (s *RoleStore) scoped(ctx context.Context, f RoleFilter) *gorm.DB {
	q := Conn(ctx, s.db).Table("role_bindings").
		Joins("JOIN orgs ON orgs.id = role_bindings.org_id").
		Where("role_bindings.revoked_at IS NULL")
	if len(f.Grants) == 0 {
		return q.Where("1 = 0")
	}
	conds := make([]string, len(f.Grants))
	var args []any
	for i, g := range f.Grants {
		conds[i] = "(orgs.path LIKE ?" + likeEscape + " AND role_bindings.role IN ?)"
		args = append(args, escapeLike(g.Path)+"%", g.Roles)
	}
	q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	if f.OrgID != 0 {
		q = q.Where("role_bindings.org_id = ?", f.OrgID)
	}
	return q
}

// Revoke ends binding id; ErrConflict when it was already revoked.
func (s *RoleStore) Revoke(ctx context.Context, id, by int64, now time.Time) error {
	res := Conn(ctx, s.db).Model(&RoleBinding{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "revoked_by": by})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// ActiveAt returns the live bindings of role at org.
func (s *RoleStore) ActiveAt(ctx context.Context, orgID int64, role string) ([]RoleBinding, error) {
	var out []RoleBinding
	err := Conn(ctx, s.db).Where("org_id = ? AND role = ? AND revoked_at IS NULL", orgID, role).Find(&out).Error
	return out, Translate(err)
}

// Invitation is a one-time code that binds its acceptor to a role at an
// org. Only the code's hash is stored.
type Invitation struct {
	ID        int64
	CodeHash  string
	OrgID     int64
	Role      string
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedBy    *int64
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// InvitationStore reads and writes invitations.
type InvitationStore struct{ db *gorm.DB }

// NewInvitationStore returns an InvitationStore on db.
func NewInvitationStore(db *gorm.DB) *InvitationStore { return &InvitationStore{db: db} }

// Create inserts inv.
func (s *InvitationStore) Create(ctx context.Context, inv *Invitation) error {
	return Translate(Conn(ctx, s.db).Create(inv).Error)
}

// ByHash returns the invitation with the code hash, or ErrNotFound.
func (s *InvitationStore) ByHash(ctx context.Context, hash string) (*Invitation, error) {
	var inv Invitation
	if err := Translate(Conn(ctx, s.db).Where("code_hash = ?", hash).Take(&inv).Error); err != nil {
		return nil, err
	}
	return &inv, nil
}

// Use marks the invitation used by user when it is still open; the
// condition in the UPDATE decides, so a code works once under any
// concurrency. ErrConflict when it was used, revoked or expired meanwhile.
func (s *InvitationStore) Use(ctx context.Context, id, user int64, now time.Time) error {
	res := Conn(ctx, s.db).Model(&Invitation{}).
		Where("id = ? AND used_by IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).
		Updates(map[string]any{"used_by": user, "used_at": now})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// RevokeOpenBy revokes the unused invitations creator issued for orgs in
// the subtree under path.
func (s *InvitationStore) RevokeOpenBy(ctx context.Context, creator int64, path string, now time.Time) (int64, error) {
	res := Conn(ctx, s.db).Model(&Invitation{}).
		Where("created_by = ? AND used_by IS NULL AND revoked_at IS NULL", creator).
		Scopes(OrgInSubtrees([]string{path}, "org_id")).
		Update("revoked_at", now)
	return res.RowsAffected, Translate(res.Error)
}
