package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestApplyToIntakePoint: a worker whose employer has no union applies to
// an intake point; the application is in the queue of the federation's
// admins and above, not of any union; it cannot be approved there, but it
// can be returned and rejected.
func TestApplyToIntakePoint(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		w := tr.worker()
		f := w.form(tr.c1)
		f["submit"] = true
		r := e.do("POST", "/api/v1/applications", f, w.Access).expect(t, 422, 40001)
		if len(r.Details) != 1 || r.Details[0].Field != "org_id" {
			t.Fatalf("a federation that is no intake point: %+v", r.Details)
		}

		tr.makeIntake(tr.c1Admin, tr.c1, true)
		v := e.apply(w, tr.c1)
		if v.Status != "submitted" || v.OrgName != "武汉市总工会" {
			t.Fatalf("applied to the intake point: %+v", v)
		}
		queues := []struct {
			name string
			by   session
			sees bool
		}{
			{"the intake point's admin", tr.c1Admin, true},
			{"the province's admin", tr.rootAdmin, true},
			{"a chair below the intake point", tr.chair1, false},
			{"staff below the intake point", tr.staff1, false},
			{"a chair elsewhere", tr.chair3, false},
		}
		for _, q := range queues {
			t.Run("queue of "+q.name, func(t *testing.T) {
				if got := e.queueIDs(t, q.by, "&status=submitted")[v.ID]; got != q.sees {
					t.Fatalf("sees the application: %v, want %v", got, q.sees)
				}
			})
		}
		if !e.queueIDs(t, tr.c1Admin, "&org_id="+tr.c1)[v.ID] {
			t.Error("the intake point's own queue (org_id) misses the application")
		}
		e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.chair1.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.c1Admin.Access).expect(t, 200, 0)

		r = e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.c1Admin.Access).
			expect(t, 422, 40001)
		if len(r.Details) != 1 || r.Details[0].Field != "org_id" || !strings.Contains(r.Details[0].Message, "分配") {
			t.Fatalf("approval at an intake point: %+v", r.Details)
		}

		// Return and reject are allowed at the intake point.
		var back appView
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/return", map[string]any{"version": v.Version, "reason": "请补充劳动合同"},
			tr.c1Admin.Access).expect(t, 200, 0).decode(t, &back)
		var again appView
		e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, w.Access).expect(t, 200, 0).decode(t, &again)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/reject", map[string]any{"version": again.Version, "reason": "不符合入会条件"},
			tr.c1Admin.Access).expect(t, 200, 0)
		evs := e.wantTimeline(t, v.ID, []string{"submitted", "returned", "resubmitted", "rejected"},
			[]string{tr.c1, tr.c1, tr.c1, tr.c1})
		if evs[1].Note == nil || *evs[1].Note != "请补充劳动合同" || evs[3].Note == nil || *evs[3].Note != "不符合入会条件" {
			t.Errorf("the reasons are not in the timeline: %+v", evs)
		}

		// A draft submitted later, and a withdrawal.
		w2 := tr.worker()
		var d appView
		e.do("POST", "/api/v1/applications", w2.form(tr.c1), w2.Access).expect(t, 201, 0).decode(t, &d)
		e.do("POST", "/api/v1/applications/"+d.ID+"/submit", nil, w2.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/applications/"+d.ID+"/withdraw", nil, w2.Access).expect(t, 200, 0)
		e.wantTimeline(t, d.ID, []string{"submitted", "withdrawn"}, []string{tr.c1, tr.c1})
		e.noDrift(t)
	})
}

// TestAssignApplication: a federation admin in scope moves a submitted
// application from the intake point to a grassroots union in scope; the
// applicant is told in the app; the union's chair then approves it.
func TestAssignApplication(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tr.makeIntake(tr.rootAdmin, tr.c1, true)
		street := tr.createOrg(tr.c1Admin, tr.c1, map[string]any{"name": "关山街道总工会", "type": "federation", "region_code": "420111"})
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u2, map[string]any{"accepts_applications": false}, tr.c1Admin.Access).expect(t, 200, 0)
		w := tr.worker()
		v := e.apply(w, tr.c1)
		elsewhere := tr.application(tr.u3)
		atU1 := tr.application(tr.u1)
		ret := e.apply(tr.worker(), tr.c1)
		e.do("POST", "/api/v1/admin/applications/"+ret.ID+"/return", map[string]any{"version": ret.Version, "reason": "请补充材料"},
			tr.c1Admin.Access).expect(t, 200, 0)

		cases := []struct {
			name         string
			by           session
			id           string
			body         map[string]any
			status, code int
			field        string
		}{
			{"a chair may not assign", tr.chair1, v.ID, map[string]any{"version": v.Version, "org_id": tr.u1}, 403, 40300, ""},
			{"staff may not assign", tr.staff1, v.ID, map[string]any{"version": v.Version, "org_id": tr.u1}, 403, 40300, ""},
			{"an application outside the scope", tr.c1Admin, elsewhere.ID, map[string]any{"version": elsewhere.Version, "org_id": tr.u1}, 404, 40400, ""},
			{"a union outside the scope", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": tr.u3}, 404, 40400, ""},
			{"a union that does not exist", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": "123456"}, 404, 40400, ""},
			{"a federation", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": street}, 422, 40001, "org_id"},
			{"the intake point itself", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": tr.c1}, 422, 40001, "org_id"},
			{"a union's own application within its period", tr.c1Admin, atU1.ID, map[string]any{"version": atU1.Version, "org_id": tr.u1}, 409, 40900, ""},
			{"a union taking no applications", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": tr.u2}, 422, 40001, "org_id"},
			{"no org_id", tr.c1Admin, v.ID, map[string]any{"version": v.Version}, 422, 40001, "org_id"},
			{"a malformed org_id", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": "abc"}, 422, 40001, "org_id"},
			{"no version", tr.c1Admin, v.ID, map[string]any{"org_id": tr.u1}, 422, 40001, "version"},
			{"a reason with a bidi control", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": tr.u1, "reason": "按工作地\u202e分配"}, 422, 40001, "reason"},
			{"a reason too long", tr.c1Admin, v.ID, map[string]any{"version": v.Version, "org_id": tr.u1, "reason": strings.Repeat("长", 501)}, 422, 40001, "reason"},
			{"a stale version", tr.c1Admin, v.ID, map[string]any{"version": v.Version + 1, "org_id": tr.u1}, 409, 40900, ""},
			{"a returned application", tr.c1Admin, ret.ID, map[string]any{"version": ret.Version + 1, "org_id": tr.u1}, 409, 40900, ""},
			{"an unknown application", tr.c1Admin, "987654321", map[string]any{"version": 1, "org_id": tr.u1}, 404, 40400, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/admin/applications/"+c.id+"/assign", c.body, c.by.Access).expect(t, c.status, c.code)
				if c.field != "" && (len(r.Details) != 1 || r.Details[0].Field != c.field) {
					t.Fatalf("details %+v, want one on %s", r.Details, c.field)
				}
			})
		}

		sent := e.outboxCount(t)
		var moved assignReply
		e.assign(tr.c1Admin, v.ID, v.Version, tr.u1, "按工作地分配").expect(t, 200, 0).decode(t, &moved)
		if moved.ID != v.ID || moved.OrgID != tr.u1 || moved.OrgName != "武汉光谷制造有限公司工会" || moved.Status != "submitted" ||
			moved.Version != v.Version+1 {
			t.Fatalf("assigned: %+v", moved)
		}
		if n := e.outboxCount(t); n != sent {
			t.Errorf("an assignment queued %d subscribe messages; there is no template for it", n-sent)
		}
		var notes notificationPage
		e.do("GET", "/api/v1/me/notifications", nil, w.Access).expect(t, 200, 0).decode(t, &notes)
		if len(notes.Items) == 0 || notes.Items[0].Kind != "application_assigned" || notes.Items[0].Data["application_id"] != v.ID ||
			notes.Items[0].Data["org_id"] != tr.u1 || !strings.Contains(notes.Items[0].Body, "武汉光谷制造有限公司工会") {
			t.Fatalf("the applicant was not told: %+v", notes.Items)
		}
		var mine appView
		e.do("GET", "/api/v1/applications/"+v.ID, nil, w.Access).expect(t, 200, 0).decode(t, &mine)
		if mine.OrgName != "武汉光谷制造有限公司工会" || mine.Status != "submitted" {
			t.Errorf("the applicant's view: %+v", mine)
		}
		if !e.queueIDs(t, tr.chair1, "&status=submitted")[v.ID] {
			t.Error("the union's chair does not see the assigned application")
		}
		e.assign(tr.c1Admin, v.ID, v.Version, tr.u1, "").expect(t, 409, 40900) // the old version again

		var res approvalReply
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": moved.Version}, tr.chair1.Access).
			expect(t, 200, 0).decode(t, &res)
		if res.Member.ID == "" {
			t.Fatal("no member after the approval")
		}
		e.assign(tr.c1Admin, v.ID, moved.Version+1, tr.u1, "").expect(t, 409, 40900) // decided
		evs := e.wantTimeline(t, v.ID, []string{"submitted", "assigned", "approved"}, []string{tr.c1, tr.u1, tr.u1})
		var detail struct {
			DueOn    *string `json:"due_on"`
			Timeline []struct {
				At      string  `json:"at"`
				Kind    string  `json:"kind"`
				OrgName string  `json:"org_name"`
				Note    *string `json:"note"`
			} `json:"timeline"`
		}
		e.do("GET", "/api/v1/applications/"+v.ID, nil, w.Access).expect(t, 200, 0).decode(t, &detail)
		var seen []string
		for _, it := range detail.Timeline {
			note := ""
			if it.Note != nil {
				note = *it.Note
			}
			seen = append(seen, it.Kind+"@"+it.OrgName+":"+note)
			if it.At == "" {
				t.Errorf("timeline entry without a time: %+v", it)
			}
		}
		if want := "[submitted@武汉市总工会: assigned@武汉光谷制造有限公司工会:按工作地分配 approved@武汉光谷制造有限公司工会:]"; fmt.Sprint(seen) != want {
			t.Errorf("the applicant's timeline %v, want %s", seen, want)
		}
		e.do("GET", "/api/v1/applications/"+v.ID, nil, tr.plain.Access).expect(t, 404, 40400) // only the applicant's
		if evs[1].Note == nil || *evs[1].Note != "按工作地分配" || evs[1].Version != moved.Version {
			t.Errorf("the assignment's event: %+v", evs[1])
		}

		logs := e.auditLogs(t, "?action=application.assign", tr.rootAdmin)
		if len(logs.Items) != 1 || logs.Items[0].Target != "application:"+v.ID || logs.Items[0].Detail["to_org_id"] != tr.u1 ||
			logs.Items[0].Detail["from_org_id"] != tr.c1 {
			t.Errorf("audit: %+v", logs.Items)
		}
	})
}

// TestAssignCounters: pending moves with the application from the intake
// point's chain to the union's (here in another city), and the counters
// equal a fresh recount at every step.
func TestAssignCounters(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tr.makeIntake(tr.rootAdmin, tr.c1, true)
		v := e.apply(tr.worker(), tr.c1)
		tr.application(tr.u3)
		want := func(step string, counts map[string]int64) {
			t.Helper()
			for org, n := range counts {
				if got := e.pending(t, org); got != n {
					t.Errorf("%s: pending at %s is %d, want %d", step, org, got, n)
				}
			}
			e.noDrift(t)
		}
		want("applied", map[string]int64{tr.root: 2, tr.c1: 1, tr.u1: 0, tr.c2: 1, tr.u3: 1})

		var moved assignReply
		e.assign(tr.rootAdmin, v.ID, v.Version, tr.u3, "").expect(t, 200, 0).decode(t, &moved)
		want("assigned", map[string]int64{tr.root: 2, tr.c1: 0, tr.u1: 0, tr.c2: 2, tr.u3: 2})
		var ov overviewView
		e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.c2, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &ov)
		if ov.Applications.Pending != 2 {
			t.Errorf("overview of the union's city: pending %d", ov.Applications.Pending)
		}

		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": moved.Version}, tr.chair3.Access).
			expect(t, 200, 0)
		want("approved", map[string]int64{tr.root: 1, tr.c1: 0, tr.c2: 1, tr.u3: 1})
	})
}
