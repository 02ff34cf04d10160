package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/access"
)

// matrixFixture builds the request of one guarded route aimed at target: a
// grassroots union inside or outside the caller's scope (parent is its
// federation). Every guarded route needs one: a route added without a
// fixture fails TestScopeMatrix.
type matrixFixture func(tr *tree, target, parent string) (path string, body any)

var matrixFixtures = map[string]matrixFixture{
	"POST /api/v1/admin/orgs": func(tr *tree, target, parent string) (string, any) {
		return "/api/v1/admin/orgs", map[string]any{"parent_id": parent, "name": "新建区总工会", "type": "federation", "region_code": "420102"}
	},
	"GET /api/v1/admin/orgs/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/orgs/" + target, nil
	},
	"PATCH /api/v1/admin/orgs/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/orgs/" + target, map[string]any{"address": "新地址"}
	},
	"GET /api/v1/admin/orgs/:id/children": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/orgs/" + target + "/children", nil
	},
	"GET /api/v1/admin/orgs/:id/join-qrcode": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/orgs/" + target + "/join-qrcode", nil
	},
	"POST /api/v1/admin/invitations": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/invitations", map[string]any{"org_id": target, "role": "verifier"}
	},
	"GET /api/v1/admin/roles": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/roles?org_id=" + target, nil
	},
	"DELETE /api/v1/admin/roles/:id": func(tr *tree, target, _ string) (string, any) {
		v := tr.invite(tr.rootAdmin, target, "verifier")
		return "/api/v1/admin/roles/" + v.BindingID, nil
	},
}

// TestScopeMatrix walks every guarded route × role × inside/outside the
// caller's scope: a role the table does not allow is 403; an allowed role
// aimed outside its subtree is 404; inside it is neither.
func TestScopeMatrix(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		callers := []struct {
			name string
			role access.Role // "" for a user without roles
			s    session
		}{
			{"federation_admin", access.FederationAdmin, tr.c1Admin},
			{"union_chair", access.UnionChair, tr.chair1},
			{"union_staff", access.UnionStaff, tr.staff1},
			{"verifier", access.Verifier, tr.verif1},
			{"no role", "", tr.plain},
		}
		// c1Admin governs c1 (u1, u2); chair1/staff1/verif1 govern u1.
		// u3 under c2 is outside every one of them.
		targets := []struct {
			name           string
			inside         bool
			target, parent string
		}{
			{"inside", true, tr.u1, tr.c1},
			{"outside", false, tr.u3, tr.c2},
		}
		if len(e.adminRoutes) == 0 {
			t.Fatal("no guarded routes registered")
		}
		for _, rt := range e.adminRoutes {
			key := rt.Method + " " + rt.Path
			fx, found := matrixFixtures[key]
			if !found {
				t.Errorf("guarded route %s has no matrix fixture", key)
				continue
			}
			for _, c := range callers {
				for _, tg := range targets {
					name := fmt.Sprintf("%s/%s/%s", key, c.name, tg.name)
					t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
						path, body := fx(tr, tg.target, tg.parent)
						r := e.do(rt.Method, path, body, c.s.Access)
						switch {
						case c.role == "" || !access.Allowed(c.role, rt.Action):
							r.expect(t, 403, 40300)
						case !tg.inside:
							r.expect(t, 404, 40400)
						default:
							if r.Status == 403 || r.Status == 404 || r.Status >= 500 {
								t.Fatalf("inside the scope got %d: %.300s", r.Status, r.Raw)
							}
						}
					})
				}
			}
		}
	})
}
