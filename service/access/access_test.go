package access_test

import (
	"slices"
	"testing"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// TestAllowed checks every cell of the route × role table (API.md §2),
// written out here on its own so a change to the policy has to change both.
func TestAllowed(t *testing.T) {
	const (
		F = access.FederationAdmin
		C = access.UnionChair
		S = access.UnionStaff
		V = access.Verifier
	)
	want := map[access.Action][]access.Role{
		access.OrgRead:       {F, C, S},
		access.OrgCreate:     {F},
		access.OrgEdit:       {F, C},
		access.Invite:        {F, C},
		access.RoleManage:    {F, C},
		access.Review:        {F, C, S},
		access.Assign:        {F},
		access.BenefitCreate: {F, C},
		access.Export:        {F, C},
		access.AuditRead:     {F},
		access.Verify:        {V},
		access.Rights:        {F, C, S},
		access.ConsoleLogin:  {F, C, S},
	}
	if got := access.Actions(); len(got) != len(want) {
		t.Fatalf("%d actions in the table, %d here: %v", len(got), len(want), got)
	}
	for action, roles := range want {
		for _, role := range access.Roles {
			t.Run(string(action)+"/"+string(role), func(t *testing.T) {
				if got, w := access.Allowed(role, action), slices.Contains(roles, role); got != w {
					t.Errorf("Allowed(%s, %s) = %v, want %v", role, action, got, w)
				}
			})
		}
	}
	if access.Allowed("nobody", access.OrgRead) || access.Allowed(F, "no.such.action") {
		t.Error("an unknown role or action is allowed")
	}
}

func TestCanInviteAndManage(t *testing.T) {
	for _, tc := range []struct {
		role, invitee access.Role
		want          bool
	}{
		{access.FederationAdmin, access.FederationAdmin, true},
		{access.FederationAdmin, access.UnionChair, true},
		{access.FederationAdmin, access.Verifier, true},
		{access.UnionChair, access.UnionStaff, true},
		{access.UnionChair, access.Verifier, true},
		{access.UnionChair, access.UnionChair, false},
		{access.UnionChair, access.FederationAdmin, false},
		{access.UnionStaff, access.Verifier, false},
		{access.Verifier, access.Verifier, false},
	} {
		if got := access.CanInvite(tc.role, tc.invitee); got != tc.want {
			t.Errorf("CanInvite(%s, %s) = %v, want %v", tc.role, tc.invitee, got, tc.want)
		}
		manages := slices.Contains(access.ManageableRoles(tc.role), tc.invitee)
		if manages != tc.want {
			t.Errorf("%s manages %s: %v, want %v (who may invite a role manages it)", tc.role, tc.invitee, manages, tc.want)
		}
	}
}

// TestScopeContainment: a scope reaches the subtrees of the bindings whose
// role allows the action, by org path; a sibling whose id merely starts
// with the same digits is outside.
func TestScopeContainment(t *testing.T) {
	city := access.Binding{ID: 1, OrgID: 2, OrgPath: "/1/2/", OrgType: model.OrgFederation, Role: access.FederationAdmin}
	union := access.Binding{ID: 2, OrgID: 3, OrgPath: "/1/2/3/", OrgType: model.OrgGrassroots, Role: access.UnionChair}
	staff := access.Binding{ID: 3, OrgID: 4, OrgPath: "/1/4/", OrgType: model.OrgGrassroots, Role: access.UnionStaff}
	verifier := access.Binding{ID: 4, OrgID: 5, OrgPath: "/1/5/", OrgType: model.OrgGrassroots, Role: access.Verifier}
	for _, tc := range []struct {
		name     string
		bindings []access.Binding
		action   access.Action
		can      bool
		paths    []string
		covers   map[string]bool
		single   int64 // SingleUnion; 0: none
	}{
		{name: "no bindings", action: access.Review,
			covers: map[string]bool{"/1/": false}},
		{name: "federation admin reaches its subtree only", bindings: []access.Binding{city}, action: access.Review,
			can: true, paths: []string{"/1/2/"},
			covers: map[string]bool{"/1/2/": true, "/1/2/3/": true, "/1/2/3/9/": true, "/1/": false, "/1/22/": false, "/1/4/": false}},
		{name: "a path inside another is dropped", bindings: []access.Binding{union, city}, action: access.Review,
			can: true, paths: []string{"/1/2/"}, covers: map[string]bool{"/1/2/3/": true, "/1/2/7/": true}},
		{name: "a chair reaches its union", bindings: []access.Binding{union}, action: access.Review,
			can: true, paths: []string{"/1/2/3/"}, single: 3,
			covers: map[string]bool{"/1/2/3/": true, "/1/2/": false, "/1/2/33/": false}},
		{name: "roles that may not act give nothing", bindings: []access.Binding{staff, verifier}, action: access.Export,
			covers: map[string]bool{"/1/4/": false, "/1/5/": false}},
		{name: "two unions are not a single union", bindings: []access.Binding{union, staff}, action: access.Review,
			can: true, paths: []string{"/1/2/3/", "/1/4/"}, covers: map[string]bool{"/1/2/3/": true, "/1/4/": true, "/1/5/": false}},
		{name: "a verifier verifies in its union", bindings: []access.Binding{verifier, union}, action: access.Verify,
			can: true, paths: []string{"/1/5/"}, single: 5, covers: map[string]bool{"/1/5/": true, "/1/2/3/": false}},
		{name: "a federation is no single union", bindings: []access.Binding{city}, action: access.Assign,
			can: true, paths: []string{"/1/2/"}, covers: map[string]bool{"/1/2/3/": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := access.Scope{UserID: 7, Bindings: tc.bindings}
			if got := sc.Can(tc.action); got != tc.can {
				t.Errorf("Can = %v, want %v", got, tc.can)
			}
			if got := sc.Paths(tc.action); !slices.Equal(got, tc.paths) {
				t.Errorf("Paths = %q, want %q", got, tc.paths)
			}
			for path, want := range tc.covers {
				if got := sc.Covers(tc.action, path); got != want {
					t.Errorf("Covers(%s) = %v, want %v", path, got, want)
				}
				if got := len(sc.BindingsFor(tc.action, path)) > 0; got != want {
					t.Errorf("BindingsFor(%s) found %v, want %v", path, got, want)
				}
			}
			id, ok := sc.SingleUnion(tc.action)
			if ok != (tc.single != 0) || id != tc.single {
				t.Errorf("SingleUnion = %d, %v; want %d", id, ok, tc.single)
			}
		})
	}
}
