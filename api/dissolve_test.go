package api_test

import (
	"fmt"
	"testing"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/org"
)

// TestDissolveMovesMembers dissolves a union with a few hundred members on
// the roll (active, retained, suspended; some linked to a WeChat user) into
// a union of another city: the PATCH answers 202 with the union dissolving,
// the job moves every member once with its 转出 and 转入 events, the
// counters of both subtrees equal a recount, every linked member is told,
// the union's pending application and the transfer into it are rejected
// with a reason, and a member's own pending transfer follows the member.
func TestDissolveMovesMembers(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		root := tr.rootAdmin.Access
		seq := 0
		linked := []enrolled{tr.member(tr.u1), tr.member(tr.u1), tr.member(tr.u1)}
		e.do("POST", "/api/v1/admin/members/"+linked[1].MemberID+"/status", map[string]any{"status": "retained", "reason": "退休"}, root).expect(t, 200, 0)
		e.do("POST", "/api/v1/admin/members/"+linked[2].MemberID+"/status", map[string]any{"status": "suspended", "reason": "卡片挂失"}, root).expect(t, 200, 0)
		e.rollMembers(tr.u1, 300, &seq)
		e.rollMembers(tr.u3, 10, &seq) // the destination has members of its own
		// linked[0] has asked to move to u2; that request follows the member.
		var own struct {
			ID string `json:"id"`
		}
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u2, "reason": "换工作"}, linked[0].Access).expect(t, 201, 0).decode(t, &own)
		into := tr.transfer(tr.u1) // a member of u2 asks to move into u1
		tr.n++
		applicant := e.newApplicant(fmt.Sprintf("136%08d", tr.n), idNumber("19870707", tr.n))
		app := e.apply(applicant, tr.u1)
		e.noDrift(t)
		e.bg.drain() // the applications' content checks

		var org dissolvingOrgView
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"status": "dissolved", "members_to": tr.u3}, root).
			expect(t, 202, 0).decode(t, &org)
		if org.Status != "dissolving" || org.Dissolution == nil || org.Dissolution.JobID == "" ||
			org.Dissolution.ToOrgID != tr.u3 || org.Dissolution.Total != 303 || org.Dissolution.Moved != 0 {
			t.Fatalf("202 reply: %+v %+v", org, org.Dissolution)
		}

		// While it dissolves the union takes nobody new and cannot be changed.
		other := e.newApplicant("13655556666", idNumber("19880808", 9001))
		r := e.do("POST", "/api/v1/applications", withSubmit(other.form(tr.u1)), other.Access).expect(t, 422, 40001)
		if len(r.Details) == 0 || r.Details[0].Field != "org_id" {
			t.Errorf("applying to a dissolving union: %s", r.Raw)
		}
		e.do("POST", "/api/v1/admin/applications/"+app.ID+"/approve", map[string]any{"version": app.Version}, root).expect(t, 409, 40900)
		e.do("POST", "/api/v1/admin/transfers/"+into+"/approve", nil, root).expect(t, 409, 40900)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"status": "dissolved", "members_to": tr.u3}, root).expect(t, 409, 40900)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"status": "active"}, root).expect(t, 409, 40900)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u3, map[string]any{"status": "dissolved", "members_to": tr.u2}, root).expect(t, 409, 40900)

		if n := e.bg.drain(); n != 1 {
			t.Fatalf("%d jobs ran, want 1", n)
		}
		var done dissolvingOrgView
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, root).expect(t, 200, 0).decode(t, &done)
		if done.Status != "dissolved" || done.Dissolution != nil {
			t.Fatalf("after the job: %+v", done)
		}
		if n := e.onRoll(tr.u1); n != 0 {
			t.Errorf("%d members left on the dissolved union's roll", n)
		}
		if n := e.onRoll(tr.u3); n != 313 {
			t.Errorf("destination roll %d, want 313", n)
		}
		for _, typ := range []string{"transfer_out", "transfer_in"} {
			if evs, ms := e.eventCounts(typ, tr.u1, tr.u3); evs != 303 || ms != 303 {
				t.Errorf("%s events: %d for %d members, want 303 for 303", typ, evs, ms)
			}
		}
		e.noDrift(t)

		for i, m := range linked {
			var v memberView
			e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &v)
			if v.OrgID != tr.u3 || v.MemberNo != m.MemberNo || v.Status != []string{"active", "retained", "suspended"}[i] {
				t.Errorf("linked member %d: %+v", i, v)
			}
			var notes notificationPage
			e.do("GET", "/api/v1/me/notifications", nil, m.Access).expect(t, 200, 0).decode(t, &notes)
			told := 0
			for _, it := range notes.Items {
				// The status changes of the setup told them too (fields [status]).
				if it.Kind == "record_changed" && it.Data["member_id"] == m.MemberID && it.Data["event_id"] != nil &&
					it.Data["to_org_id"] == tr.u3 {
					told++
				}
			}
			if told != 1 {
				t.Errorf("linked member %d told %d times: %+v", i, told, notes.Items)
			}
		}

		var mine appView
		e.do("GET", "/api/v1/applications/"+app.ID, nil, applicant.Access).expect(t, 200, 0).decode(t, &mine)
		if mine.Status != "rejected" {
			t.Errorf("pending application: %+v", mine)
		}
		if evs := e.timeline(t, app.ID); len(evs) == 0 || evs[len(evs)-1].Kind != model.EventRejected || evs[len(evs)-1].Note == nil {
			t.Errorf("the rejection is not in the application's timeline: %+v", evs)
		}
		var tf model.Transfer
		if err := e.db.Take(&tf, mustID(t, into)).Error; err != nil || tf.Status != model.TransferRejected || tf.DecisionReason == nil {
			t.Errorf("transfer into the dissolved union: %v %+v", err, tf)
		}
		var follows model.Transfer
		if err := e.db.Take(&follows, mustID(t, own.ID)).Error; err != nil || follows.Status != model.TransferPending || idStr(follows.FromOrgID) != tr.u3 {
			t.Errorf("the member's own transfer: %v %+v", err, follows)
		}
		var audits int64
		e.db.Model(&model.AuditLog{}).Where("action = ? AND target = ?", "org.dissolve", "org:"+tr.u1).Count(&audits)
		if audits != 1 {
			t.Errorf("%d org.dissolve audit rows, want 1", audits)
		}
	})
}

// withSubmit asks for the form to be submitted at once.
func withSubmit(f map[string]any) map[string]any {
	f["submit"] = true
	return f
}

// TestDissolveMembersToRefusals: a union with members on the roll is not
// dissolved without a members_to, nor into itself, a federation, a
// dissolved union or one that takes no members (422 on members_to), nor
// into a union outside the caller's scope or that does not exist (404, as
// for any id out of scope), nor by a chair (403). Nothing changes.
func TestDissolveMembersToRefusals(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tr.member(tr.u1)
		root := tr.rootAdmin
		gone := tr.createGrassroots(root, tr.c1, "武汉江岸食品有限公司工会", "420102")
		e.do("PATCH", "/api/v1/admin/orgs/"+gone, map[string]any{"status": "dissolved"}, root.Access).expect(t, 200, 0)
		closed := tr.createGrassroots(root, tr.c1, "武汉汉阳纺织有限公司工会", "420105")
		e.do("PATCH", "/api/v1/admin/orgs/"+closed, map[string]any{"accepts_applications": false}, root.Access).expect(t, 200, 0)
		cases := []struct {
			name         string
			by           session
			to           any
			status, code int
		}{
			{"without members_to", root, nil, 409, 40900},
			{"into itself", root, tr.u1, 422, 40001},
			{"into a federation", root, tr.c1, 422, 40001},
			{"into a dissolved union", root, gone, 422, 40001},
			{"into a union taking no members", root, closed, 422, 40001},
			{"not an id", root, "abc", 422, 40001},
			{"a number, not a string", root, -5, 422, 40001},
			{"outside the caller's scope", tr.c1Admin, tr.u3, 404, 40400},
			{"that does not exist", root, "12345", 404, 40400},
			{"by a chair", tr.chair1, tr.u2, 403, 40300},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				body := map[string]any{"status": "dissolved"}
				if c.to != nil {
					body["members_to"] = c.to
				}
				r := e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, body, c.by.Access).expect(t, c.status, c.code)
				if c.status == 422 && (len(r.Details) != 1 || r.Details[0].Field != "members_to" || r.Details[0].Message == "") {
					t.Errorf("details: %+v", r.Details)
				}
			})
		}
		if got := e.orgView(t, root, tr.u1); got.Status != "active" || got.Dissolution != nil || e.onRoll(tr.u1) != 1 {
			t.Errorf("after the refusals: %+v", got)
		}
		var live int64
		e.db.Model(&model.Job{}).Where("kind = ?", org.JobDissolve).Count(&live)
		if live != 0 {
			t.Errorf("%d dissolution jobs queued", live)
		}
	})
}
