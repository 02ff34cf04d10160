package org

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
)

// codeAlphabet has no 0/O, 1/I/L: codes are read aloud and typed.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLength gives 31^12 ≈ 2^59 codes; wrong tries are rate-limited.
const codeLength = 12

// acceptTriesPerHour bounds the codes one user may try.
const acceptTriesPerHour = 10

// Invitation is a fresh invitation: the code is shown once, only its hash
// is kept.
type Invitation struct {
	Code      string
	ExpiresAt time.Time
	OrgID     int64
	Role      access.Role
}

// Invite creates a one-time code binding its acceptor to role at orgID. A
// federation admin may invite any role at or below its org; a chair only
// staff and verifiers of its own union.
func (s *Service) Invite(ctx context.Context, sc access.Scope, orgID int64, role string) (*Invitation, error) {
	var bad []service.FieldError
	if !access.ValidRole(role) {
		bad = append(bad, service.FieldError{Field: "role", Message: "角色应为 federation_admin、union_chair、union_staff 或 verifier"})
	}
	if orgID == 0 {
		bad = append(bad, service.FieldError{Field: "org_id", Message: "请选择组织"})
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	o, err := s.inScope(ctx, sc, access.Invite, orgID)
	if err != nil {
		return nil, err
	}
	allowed := false
	for _, b := range sc.BindingsFor(access.Invite, o.Path) {
		allowed = allowed || access.CanInvite(b.Role, access.Role(role))
	}
	if !allowed {
		return nil, service.E(service.KindForbidden, "您不能邀请该角色")
	}
	if err := roleFitsOrg(access.Role(role), o); err != nil {
		return nil, err
	}
	if o.Status != model.OrgActive {
		return nil, errDissolved
	}
	return s.createInvitation(ctx, sc.UserID, o, access.Role(role))
}

// roleFitsOrg keeps roles where they mean something: federation admins at
// federations, chairs and staff at grassroots unions, verifiers anywhere.
func roleFitsOrg(role access.Role, o *model.Org) error {
	switch {
	case role == access.FederationAdmin && o.Type != model.OrgFederation:
		return service.InvalidField("role", "基层工会不能设总工会管理员，请邀请工会主席或工作人员")
	case (role == access.UnionChair || role == access.UnionStaff) && o.Type != model.OrgGrassroots:
		return service.InvalidField("role", "工会主席和工作人员只能设在基层工会")
	}
	return nil
}

func (s *Service) createInvitation(ctx context.Context, by int64, o *model.Org, role access.Role) (*Invitation, error) {
	code := newCode()
	now := s.now().UTC()
	inv := &model.Invitation{ID: model.NewID(), CodeHash: hashCode(code), OrgID: o.ID, Role: string(role),
		CreatedBy: by, CreatedAt: now, ExpiresAt: now.Add(s.cfg.InvitationTTL)}
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.invitations.Create(ctx, inv); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{ActorID: by, OrgID: o.ID, Action: "invitation.create",
			Target: "invitation:" + itoa(inv.ID), Detail: map[string]any{"role": string(role)}})
	})
	if err != nil {
		return nil, err
	}
	return &Invitation{Code: code, ExpiresAt: inv.ExpiresAt, OrgID: o.ID, Role: role}, nil
}

// Accept binds the caller to the invitation's role. A code works once;
// wrong codes are rate-limited per user. A new chair replaces the union's
// previous chair (换届): the old binding is revoked with the invitations it
// issued that nobody used.
func (s *Service) Accept(ctx context.Context, userID int64, code string) (*model.BindingWithOrg, error) {
	norm := normalizeCode(code)
	if norm == "" {
		return nil, service.InvalidField("code", "请输入邀请码")
	}
	d, err := s.limiter.Allow(ctx, "invite-accept:"+itoa(userID), acceptTriesPerHour, time.Hour)
	if err != nil {
		return nil, service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !d.Allowed {
		return nil, service.RateLimited("邀请码尝试次数过多，请稍后再试", d.RetryAfter)
	}
	inv, err := s.invitations.ByHash(ctx, hashCode(norm))
	now := s.now().UTC()
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, errBadInvitation
	case err != nil:
		return nil, err
	case inv.RevokedAt != nil || !now.Before(inv.ExpiresAt):
		return nil, errBadInvitation
	case inv.UsedBy != nil:
		return nil, errInvitationUsed
	}
	var out *model.BindingWithOrg
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		// Locked: a rename or dissolution of the org at the same time
		// waits, then finds this binding and drops its user's cached roles.
		o, err := s.orgs.Lock(ctx, inv.OrgID)
		if err != nil {
			return err
		}
		if o.Status != model.OrgActive {
			return errBadInvitation
		}
		if err := s.invitations.Use(ctx, inv.ID, userID, now); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errInvitationUsed
			}
			return err
		}
		if inv.Role == string(access.UnionChair) {
			if err := s.replaceChair(ctx, o, userID, now); err != nil {
				return err
			}
		}
		b := model.RoleBinding{ID: model.NewID(), UserID: userID, OrgID: o.ID, Role: inv.Role,
			GrantedBy: inv.CreatedBy, InvitationID: &inv.ID, CreatedAt: now}
		if err := s.roles.Create(ctx, &b); err != nil {
			return err
		}
		if err := s.ForgetRoles(ctx, userID); err != nil {
			return err
		}
		out = &model.BindingWithOrg{RoleBinding: b, OrgPath: o.Path, OrgType: o.Type, OrgName: o.Name, OrgStatus: o.Status}
		return s.record(ctx, audit.Entry{ActorID: userID, OrgID: o.ID, Action: "invitation.accept",
			Target: "invitation:" + itoa(inv.ID), Detail: map[string]any{"role": inv.Role, "binding_id": itoa(b.ID)}})
	})
	return out, err
}

// replaceChair revokes the union's current chair bindings (a union has one
// chair) and the invitations they issued that nobody used.
func (s *Service) replaceChair(ctx context.Context, o *model.Org, by int64, now time.Time) error {
	old, err := s.roles.ActiveAt(ctx, o.ID, string(access.UnionChair))
	if err != nil {
		return err
	}
	for _, b := range old {
		if err := s.revokeBinding(ctx, b, o.Path, by, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) revokeBinding(ctx context.Context, b model.RoleBinding, orgPath string, by int64, now time.Time) error {
	if err := s.roles.Revoke(ctx, b.ID, by, now); err != nil && !errors.Is(err, model.ErrConflict) {
		return err
	}
	if err := s.ForgetRoles(ctx, b.UserID); err != nil {
		return err
	}
	if _, err := s.invitations.RevokeOpenBy(ctx, b.UserID, orgPath, now); err != nil {
		return err
	}
	return s.record(ctx, audit.Entry{ActorID: by, OrgID: b.OrgID, Action: "role.revoke",
		Target: "role:" + itoa(b.ID), Detail: map[string]any{"role": b.Role, "user_id": itoa(b.UserID)}})
}

// ListRoles lists the live bindings the caller may manage: a federation
// admin every binding in its subtree, a chair the staff and verifiers of
// its union. orgID 0 means the whole scope.
func (s *Service) ListRoles(ctx context.Context, sc access.Scope, orgID int64, p model.Page) ([]model.BindingWithOrg, *string, error) {
	f := model.RoleFilter{Grants: roleGrants(sc), OrgID: orgID}
	if orgID != 0 {
		if _, err := s.inScope(ctx, sc, access.RoleManage, orgID); err != nil {
			return nil, nil, err
		}
	}
	rows, err := s.roles.List(ctx, f, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(b model.BindingWithOrg) model.Cursor {
		return model.Cursor{At: b.CreatedAt, ID: b.ID}
	})
	return rows, next, nil
}

// RevokeRole ends binding id when the caller may manage it; 404 otherwise.
// The role stops working at once: scopes are read from the table on every
// request. Invitations its holder issued and nobody used are revoked too.
func (s *Service) RevokeRole(ctx context.Context, sc access.Scope, id int64) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		b, err := s.roles.GetInScope(ctx, id, model.RoleFilter{Grants: roleGrants(sc)})
		if errors.Is(err, model.ErrNotFound) {
			return service.E(service.KindNotFound, "没有找到该角色")
		}
		if err != nil {
			return err
		}
		return s.revokeBinding(ctx, b.RoleBinding, b.OrgPath, sc.UserID, s.now().UTC())
	})
}

func roleGrants(sc access.Scope) []model.RoleGrant {
	var grants []model.RoleGrant
	for _, b := range sc.Bindings {
		roles := access.ManageableRoles(b.Role)
		if len(roles) == 0 {
			continue
		}
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		grants = append(grants, model.RoleGrant{Path: b.OrgPath, Roles: names})
	}
	return grants
}

func newCode() string {
	b := make([]byte, codeLength)
	_, _ = rand.Read(b)
	for i := range b {
		// 256 % 31 = 8: a negligible bias for a rate-limited code.
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// normalizeCode accepts codes typed in lower case or with spaces and dashes.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(code))
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte("unionhub-invitation:" + code))
	return hex.EncodeToString(sum[:])
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

var (
	errBadInvitation  = service.E(service.KindNotFound, "邀请码无效或已过期")
	errInvitationUsed = service.E(service.KindLimitReached, "该邀请码已被使用")
)
