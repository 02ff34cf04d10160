package api_test

import (
	"net/url"
	"testing"
)

// TestRightsRequestFollowsTransfer: a pending correction request moves
// with the member to the new union, whose admins then list and decide it;
// the old union's admins, who no longer see the member, no longer list or
// decide it (found by review: they could refuse it and read the requested
// values after the member had left).
func TestRightsRequestFollowsTransfer(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		var v rightsView
		e.do("POST", "/api/v1/me/correction-requests", map[string]any{"kind": "correction",
			"fields": map[string]any{"education": "大学专科"}, "reason": "学历登记有误"}, m.Access).
			expect(t, 201, 0).decode(t, &v)
		var tf struct {
			ID string `json:"id"`
		}
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, m.Access).
			expect(t, 201, 0).decode(t, &tf)
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 200, 0)

		listed := func(s session) *rightsView {
			for _, r := range e.rightsList(s.Access, url.Values{}) {
				if r.ID == v.ID {
					return &r
				}
			}
			return nil
		}
		if r := listed(tr.chair1); r != nil {
			t.Errorf("the old union still lists the request: %+v", r)
		}
		r := listed(tr.chair3)
		if r == nil || r.OrgID != tr.u3 || r.Status != "pending" {
			t.Fatalf("the new union's list: %+v, want the pending request at %s", r, tr.u3)
		}
		decision := map[string]any{"version": r.Version, "reason": "经核实不予更正"}
		e.do("POST", "/api/v1/admin/rights-requests/"+v.ID+"/reject", decision, tr.chair1.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/admin/rights-requests/"+v.ID+"/approve", map[string]any{"version": r.Version},
			tr.chair3.Access).expect(t, 200, 0)
	})
}
