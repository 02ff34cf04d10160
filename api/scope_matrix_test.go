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
	"GET /api/v1/admin/applications": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/applications?org_id=" + target, nil
	},
	"GET /api/v1/admin/applications/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/applications/" + tr.application(target).ID, nil
	},
	"POST /api/v1/admin/applications/:id/approve": func(tr *tree, target, _ string) (string, any) {
		v := tr.application(target)
		return "/api/v1/admin/applications/" + v.ID + "/approve", map[string]any{"version": v.Version}
	},
	"POST /api/v1/admin/applications/:id/reject": func(tr *tree, target, _ string) (string, any) {
		v := tr.application(target)
		return "/api/v1/admin/applications/" + v.ID + "/reject", map[string]any{"version": v.Version, "reason": "不符合条件"}
	},
	"POST /api/v1/admin/applications/:id/return": func(tr *tree, target, _ string) (string, any) {
		v := tr.application(target)
		return "/api/v1/admin/applications/" + v.ID + "/return", map[string]any{"version": v.Version, "reason": "请补充材料"}
	},
	"POST /api/v1/admin/applications/:id/assign": func(tr *tree, target, _ string) (string, any) {
		v := tr.application(target)
		to := tr.u2 // another union of c1 (for the outside target the application is already out of reach)
		if target == tr.u2 {
			to = tr.u1
		}
		return "/api/v1/admin/applications/" + v.ID + "/assign", map[string]any{"version": v.Version, "org_id": to}
	},
	"GET /api/v1/admin/members": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members?org_id=" + target, nil
	},
	"GET /api/v1/admin/members/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members/" + tr.member(target).MemberID, nil
	},
	"GET /api/v1/admin/members/:id/events": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members/" + tr.member(target).MemberID + "/events", nil
	},
	"PATCH /api/v1/admin/members/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members/" + tr.member(target).MemberID, map[string]any{"version": 1, "reason": "更正学历", "education": "大学专科"}
	},
	"POST /api/v1/admin/members/:id/status": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members/" + tr.member(target).MemberID + "/status", map[string]any{"status": "retained", "reason": "退休"}
	},
	"GET /api/v1/admin/transfers": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/transfers?org_id=" + target, nil
	},
	"POST /api/v1/admin/transfers/:id/approve": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/transfers/" + tr.transfer(target) + "/approve", nil
	},
	"GET /api/v1/admin/stats/overview": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/stats/overview?org_id=" + target, nil
	},
	"POST /api/v1/admin/transfers/:id/reject": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/transfers/" + tr.transfer(target) + "/reject", map[string]any{"reason": "不在本单位工作"}
	},
	"DELETE /api/v1/admin/roles/:id": func(tr *tree, target, _ string) (string, any) {
		v := tr.invite(tr.rootAdmin, target, "verifier")
		return "/api/v1/admin/roles/" + v.BindingID, nil
	},
	"GET /api/v1/admin/rights-requests": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/rights-requests?org_id=" + target, nil
	},
	"POST /api/v1/admin/rights-requests/:id/approve": func(tr *tree, target, _ string) (string, any) {
		v := tr.rightsRequest(target)
		return "/api/v1/admin/rights-requests/" + v.ID + "/approve", map[string]any{"version": v.Version}
	},
	"POST /api/v1/admin/rights-requests/:id/reject": func(tr *tree, target, _ string) (string, any) {
		v := tr.rightsRequest(target)
		return "/api/v1/admin/rights-requests/" + v.ID + "/reject", map[string]any{"version": v.Version, "reason": "经核实无误"}
	},
	"GET /api/v1/admin/audit-logs": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/audit-logs?org_id=" + target, nil
	},
	"POST /api/v1/admin/imports": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/imports?org_id=" + target, nil // no file: 422 inside the scope
	},
	"GET /api/v1/admin/imports/template": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/imports/template?org_id=" + target, nil
	},
	"GET /api/v1/admin/imports/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/imports/" + tr.importJob(target), nil
	},
	"POST /api/v1/admin/exports": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/exports", map[string]any{"org_id": target, "format": "xlsx", "reason": "上报"}
	},
	"GET /api/v1/admin/exports/:id": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/exports/" + tr.exportJob(target), nil
	},
	"GET /api/v1/admin/exports/:id/file": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/exports/" + tr.exportJob(target) + "/file", nil
	},
	"POST /api/v1/verify": func(tr *tree, target, _ string) (string, any) {
		m := tr.member(target)
		b := tr.e.newBenefit(tr.rootAdmin, target, 5)
		return "/api/v1/verify", map[string]any{"token": tr.e.cardToken(m.session), "benefit_id": b}
	},
	"POST /api/v1/admin/members/:id/card/reissue": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/members/" + tr.member(target).MemberID + "/card/reissue", nil
	},
	"POST /api/v1/admin/benefits": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/benefits", map[string]any{"org_id": target, "title": "职工书屋借阅", "starts_on": "2026-12-01", "ends_on": "2026-12-31"}
	},
	"POST /api/v1/console/login-tickets/:ticket/confirm": func(tr *tree, target, _ string) (string, any) {
		// A ticket belongs to no org: the one out of every admin's reach is
		// one that does not exist (or expired).
		ticket := "AAAAAAAAAAAAAAAAAAAAAA"
		if target == tr.u1 {
			ticket = tr.e.newTicket(tr.e.t).Ticket
		}
		return "/api/v1/console/login-tickets/" + ticket + "/confirm", nil
	},
	"GET /api/v1/admin/benefits": func(tr *tree, target, _ string) (string, any) {
		return "/api/v1/admin/benefits?org_id=" + target, nil
	},
}

// TestScopeMatrix walks every guarded route × role × inside/outside the
// caller's scope: a role the table does not allow is 403; an allowed role
// aimed outside its subtree is 404; inside it is neither.
func TestScopeMatrix(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
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
						tr.caller = c.s
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
