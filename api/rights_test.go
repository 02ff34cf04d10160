package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const requestsPath = "/api/v1/me/correction-requests"

// TestRightsRequestCreate: both kinds are filed with a due date; each bad
// field is 422 naming it; one pending request per kind; a user with
// neither a member record nor an open application has nothing to correct.
func TestRightsRequestCreate(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		other := tr.member(tr.u1)
		ownEvent, _ := e.latestEvent(tr.chair1, m.MemberID)
		otherEvent, _ := e.latestEvent(tr.chair1, other.MemberID)
		tr.n++
		applicant := e.newApplicant(fmt.Sprintf("136%08d", tr.n), idNumber("19900101", tr.n))
		e.apply(applicant, tr.u1)
		fix := func(f map[string]any) map[string]any {
			return map[string]any{"kind": "correction", "fields": f, "reason": "登记有误"}
		}
		tests := []struct {
			name         string
			who          session
			body         map[string]any
			status, code int
			field        string
		}{
			{"unknown kind", m.session, map[string]any{"kind": "delete", "reason": "x"}, 422, 40001, "kind"},
			{"correction without fields", m.session, map[string]any{"kind": "correction", "reason": "登记有误"}, 422, 40001, "fields"},
			{"correction changing nothing", m.session, fix(map[string]any{}), 422, 40001, "fields"},
			{"bad name", m.session, fix(map[string]any{"name": "A1"}), 422, 40001, "fields.name"},
			{"bad phone", m.session, fix(map[string]any{"phone": "123"}), 422, 40001, "fields.phone"},
			{"bad education", m.session, fix(map[string]any{"education": "博士后"}), 422, 40001, "fields.education"},
			{"bad ethnicity", m.session, fix(map[string]any{"ethnicity": "火星族"}), 422, 40001, "fields.ethnicity"},
			{"bad work type", m.session, fix(map[string]any{"employment": map[string]any{"work_type": "gig"}}), 422, 40001, "fields.employment.work_type"},
			{"markup in job title", m.session, fix(map[string]any{"employment": map[string]any{"job_title": "<b>焊工</b>"}}), 422, 40001, "fields.employment.job_title"},
			{"reason missing", m.session, map[string]any{"kind": "correction", "fields": map[string]any{"education": "大学专科"}}, 422, 40001, "reason"},
			{"reason with a control character", m.session, map[string]any{"kind": "correction", "fields": map[string]any{"education": "大学专科"}, "reason": "错\u0007了"}, 422, 40001, "reason"},
			{"reason too long", m.session, map[string]any{"kind": "correction", "fields": map[string]any{"education": "大学专科"}, "reason": strings.Repeat("错", 501)}, 422, 40001, "reason"},
			{"not_me without event", m.session, map[string]any{"kind": "not_me", "reason": "不是我办的"}, 422, 40001, "event_id"},
			{"not_me citing another member's event", m.session, map[string]any{"kind": "not_me", "event_id": otherEvent, "reason": "不是我办的"}, 422, 40001, "event_id"},
			{"not_me citing no event", m.session, map[string]any{"kind": "not_me", "event_id": "4242", "reason": "不是我办的"}, 422, 40001, "event_id"},
			{"not_me of an applicant", applicant.session, map[string]any{"kind": "not_me", "event_id": ownEvent, "reason": "不是我办的"}, 422, 40001, "event_id"},
			{"no record", tr.plain, fix(map[string]any{"education": "大学专科"}), 404, 40400, ""},
			{"correction", m.session, fix(map[string]any{"education": "大学专科", "phone": "13912345678", "employment": map[string]any{"job_title": "焊工"}}), 201, 0, ""},
			{"second pending correction", m.session, fix(map[string]any{"education": "高中"}), 409, 40900, ""},
			{"not_me", m.session, map[string]any{"kind": "not_me", "event_id": ownEvent, "reason": "我没有办理过入会"}, 201, 0, ""},
			{"second pending not_me", m.session, map[string]any{"kind": "not_me", "event_id": ownEvent, "reason": "再次"}, 409, 40900, ""},
			{"applicant's correction", applicant.session, fix(map[string]any{"employment": map[string]any{"employer_name": "武汉长江物流有限公司"}}), 201, 0, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.clock.Advance(time.Minute) // under the per-minute limit
				r := e.do("POST", requestsPath, tc.body, tc.who.Access).expect(t, tc.status, tc.code)
				if tc.field != "" && (len(r.Details) != 1 || r.Details[0].Field != tc.field) {
					t.Fatalf("details %+v, want one on %s", r.Details, tc.field)
				}
				if tc.status != 201 {
					return
				}
				var v rightsView
				r.decode(t, &v)
				if v.Status != "pending" || v.Kind != tc.body["kind"] || v.DueOn != "2026-12-18" || v.Overdue || v.Version != 1 {
					t.Errorf("request %+v (due 15 working days after Friday 2026-11-27: 2026-12-18)", v)
				}
				if v.OrgID != tr.u1 {
					t.Errorf("org %s, want the union %s", v.OrgID, tr.u1)
				}
				switch {
				case tc.who == applicant.session:
					if v.ApplicationID == nil || v.MemberID != nil || strings.Join(v.Fields, ",") != "employment.employer_name" {
						t.Errorf("applicant's request %+v", v)
					}
				case v.Kind == "correction":
					if v.MemberID == nil || *v.MemberID != m.MemberID || strings.Join(v.Fields, ",") != "phone,education,employment.job_title" {
						t.Errorf("correction %+v", v)
					}
					if v.Requested["phone"] != "139****5678" || v.Requested["education"] != "大学专科" {
						t.Errorf("requested %+v: phone masked, the rest as asked", v.Requested)
					}
				default:
					if v.EventID == nil || *v.EventID != ownEvent || len(v.Fields) != 0 {
						t.Errorf("not_me %+v", v)
					}
				}
			})
		}
		var mine struct {
			Items []rightsView `json:"items"`
		}
		e.do("GET", requestsPath, nil, m.Access).expect(t, 200, 0).decode(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0].Kind != "not_me" || mine.Items[1].Kind != "correction" {
			t.Errorf("own requests: %+v", mine.Items)
		}
		e.do("GET", requestsPath, nil, other.Access).expect(t, 200, 0).decode(t, &mine)
		if len(mine.Items) != 0 {
			t.Errorf("another member sees %d requests", len(mine.Items))
		}
		var data struct {
			Rights []struct {
				Kind   string   `json:"kind"`
				Fields []string `json:"fields"`
			} `json:"rights_requests"`
		}
		e.do("GET", "/api/v1/me/data", nil, m.Access).expect(t, 200, 0).decode(t, &data)
		if len(data.Rights) != 2 {
			t.Errorf("GET /me/data holds %d of the member's 2 requests: %+v", len(data.Rights), data.Rights)
		}
		if strings.Contains(e.bodies.String(), "13912345678") {
			t.Error("a reply carries the requested phone in clear")
		}
	})
}

// TestRightsRequestRateLimit: a user's requests are limited per minute
// and per business day, whatever they answer.
func TestRightsRequestRateLimit(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-11-27", 9))
		s := e.login(uniqueOpenID(t))
		send := func(s session, status, code int) reply {
			t.Helper()
			return e.do("POST", requestsPath, map[string]any{"kind": "x"}, s.Access).expect(t, status, code)
		}
		for range 5 {
			send(s, 422, 40001)
		}
		if r := send(s, 429, 42900); r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		send(e.login(uniqueOpenID(t)), 422, 40001) // another user is not held up
		// 20 a business day: three more minutes of 5 reach it.
		for range 3 {
			e.clock.Advance(time.Minute)
			for range 5 {
				send(s, 422, 40001)
			}
		}
		e.clock.Advance(time.Minute)
		if r := send(s, 429, 42900); r.Header.Get("Retry-After") == "" {
			t.Error("daily 429 without Retry-After")
		}
		e.clock.set(onDay(t, "2026-11-28", 9)) // the next business day
		e.renew(&s)
		send(s, 422, 40001)
	})
}

// TestRightsRequestDecisions: the admins in scope see and decide; approving
// a correction applies it as an admin's correction (member changed, event,
// audit, record_changed); rejecting needs a reason, which the member sees;
// a stale version or a second decision is 409.
func TestRightsRequestDecisions(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		joinEvent, _ := e.latestEvent(tr.chair1, m.MemberID)
		var corr, dispute rightsView
		e.do("POST", requestsPath, map[string]any{"kind": "correction", "reason": "学历和岗位登记有误",
			"fields": map[string]any{"education": "大学专科", "employment": map[string]any{"job_title": "焊工"}}}, m.Access).
			expect(t, 201, 0).decode(t, &corr)
		e.do("POST", requestsPath, map[string]any{"kind": "not_me", "event_id": joinEvent, "reason": "我没有办理过入会"}, m.Access).
			expect(t, 201, 0).decode(t, &dispute)

		// Who sees them, and how the name shows.
		for _, tc := range []struct {
			name  string
			who   session
			want  int
			shown string
		}{
			{"the union's chair", tr.chair1, 2, "张三"},
			{"the union's staff", tr.staff1, 2, "张三"},
			{"the parent federation", tr.c1Admin, 2, "张*"},
			{"the root federation", tr.rootAdmin, 2, "张*"},
			{"another union's chair", tr.chair3, 0, ""},
		} {
			t.Run("list/"+tc.name, func(t *testing.T) {
				got := e.rightsList(tc.who.Access, url.Values{})
				if len(got) != tc.want {
					t.Fatalf("%d requests, want %d", len(got), tc.want)
				}
				for _, v := range got {
					if v.Name == nil || *v.Name != tc.shown {
						t.Errorf("name %v, want %s", v.Name, tc.shown)
					}
				}
			})
		}
		e.do("GET", "/api/v1/admin/rights-requests?org_id="+tr.u3, nil, tr.chair1.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/admin/rights-requests?status=open", nil, tr.chair1.Access).expect(t, 400, 40000)
		e.do("GET", "/api/v1/admin/rights-requests?overdue=yes", nil, tr.chair1.Access).expect(t, 400, 40000)
		if got := e.rightsList(tr.chair1.Access, url.Values{"status": {"approved"}}); len(got) != 0 {
			t.Errorf("%d approved before any decision", len(got))
		}

		approve := "/api/v1/admin/rights-requests/" + corr.ID + "/approve"
		reject := "/api/v1/admin/rights-requests/" + dispute.ID + "/reject"
		for _, tc := range []struct {
			name         string
			who          session
			path         string
			body         map[string]any
			status, code int
		}{
			{"out of scope", tr.chair3, approve, map[string]any{"version": 1}, 404, 40400},
			{"no version", tr.chair1, approve, map[string]any{}, 422, 40001},
			{"stale version", tr.chair1, approve, map[string]any{"version": 2}, 409, 40900},
			{"reject without reason", tr.chair1, reject, map[string]any{"version": 1}, 422, 40001},
			{"approve", tr.staff1, approve, map[string]any{"version": 1}, 200, 0},
			{"approve again", tr.chair1, approve, map[string]any{"version": 2}, 409, 40900},
			{"reject", tr.chair1, reject, map[string]any{"version": 1, "reason": "入会申请由您本人微信提交并上传了身份证"}, 200, 0},
			{"approve the rejected", tr.chair1, "/api/v1/admin/rights-requests/" + dispute.ID + "/approve", map[string]any{"version": 2}, 409, 40900},
		} {
			t.Run("decide/"+tc.name, func(t *testing.T) {
				e.do("POST", tc.path, tc.body, tc.who.Access).expect(t, tc.status, tc.code)
			})
		}

		// The correction was applied as an admin's correction.
		var v memberView
		e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &v)
		if v.Education != "大学专科" || v.Version != 2 {
			t.Errorf("member after the approved correction: %+v", v)
		}
		eventID, typ := e.latestEvent(tr.chair1, m.MemberID)
		if typ != "correction" {
			t.Errorf("latest event %s, want correction", typ)
		}
		var logs struct {
			Items []struct {
				Action string `json:"action"`
				Target string `json:"target"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/audit-logs?limit=100", nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &logs)
		audited := map[string]bool{}
		for _, l := range logs.Items {
			audited[l.Action+" "+l.Target] = true
		}
		for _, want := range []string{"member.correct member:" + m.MemberID, "rights.approve rights_request:" + corr.ID,
			"rights.reject rights_request:" + dispute.ID, "rights.request rights_request:" + corr.ID} {
			if !audited[want] {
				t.Errorf("no audit entry %q", want)
			}
		}

		// The member sees both outcomes, the rejection's reason, and the
		// record_changed of the correction.
		var mine struct {
			Items []rightsView `json:"items"`
		}
		e.do("GET", requestsPath, nil, m.Access).expect(t, 200, 0).decode(t, &mine)
		byID := map[string]rightsView{}
		for _, r := range mine.Items {
			byID[r.ID] = r
		}
		if r := byID[corr.ID]; r.Status != "approved" || r.DecidedAt == nil {
			t.Errorf("approved correction as the member sees it: %+v", r)
		}
		if r := byID[dispute.ID]; r.Status != "rejected" || r.DecisionReason == nil || *r.DecisionReason != "入会申请由您本人微信提交并上传了身份证" {
			t.Errorf("rejected dispute as the member sees it: %+v", r)
		}
		var notes notificationPage
		e.do("GET", "/api/v1/me/notifications?limit=100", nil, m.Access).expect(t, 200, 0).decode(t, &notes)
		kinds := map[string]notificationItem{}
		for _, n := range notes.Items {
			kinds[n.Kind] = n
		}
		if n, found := kinds["record_changed"]; !found || n.Data["event_id"] != eventID {
			t.Errorf("record_changed %+v, want event %s", n, eventID)
		}
		if _, found := kinds["rights_request_approved"]; !found {
			t.Error("no rights_request_approved notice")
		}
		if n := kinds["rights_request_rejected"]; !strings.Contains(n.Body, "入会申请由您本人微信提交并上传了身份证") || n.Data["request_id"] != dispute.ID {
			t.Errorf("rejection notice %+v names no reason", n)
		}
	})
}

// TestRightsRequestOverdue: due_on counts working days (the National Day
// holiday and its make-up Saturday included); a pending request is overdue
// the day after, flagged in the list its parent federation sees, and
// counted in the overview.
func TestRightsRequestOverdue(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-30", 9))
		tr := newTree(t, e)
		late, decided := tr.rightsRequest(tr.u1), tr.rightsRequest(tr.u1)
		if late.DueOn != "2026-10-27" {
			t.Fatalf("due_on %s, want 2026-10-27 (15 working days after 2026-09-30 with 国庆节 off and Saturday 10-10 on)", late.DueOn)
		}
		e.do("POST", "/api/v1/admin/rights-requests/"+decided.ID+"/reject", map[string]any{"version": 1, "reason": "经核实无误"}, tr.chair1.Access).expect(t, 200, 0)
		var ov struct {
			RightsRequests struct {
				Pending int64 `json:"pending"`
				Overdue int64 `json:"overdue"`
			} `json:"rights_requests"`
		}
		e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.u1, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &ov)
		if ov.RightsRequests.Pending != 1 || ov.RightsRequests.Overdue != 0 {
			t.Errorf("union's overview before the due date: %+v", ov.RightsRequests)
		}
		for _, tc := range []struct {
			at      time.Time
			overdue bool
		}{
			{onDay(t, "2026-10-22", 9), false}, // a weekday-only count would be past due
			{onDay(t, "2026-10-27", 23), false},
			{onDay(t, "2026-10-28", 9), true},
		} {
			t.Run(tc.at.Format(time.DateOnly), func(t *testing.T) {
				e.clock.set(tc.at)
				e.renew(&tr.c1Admin)
				got := e.rightsList(tr.c1Admin.Access, url.Values{"overdue": {"true"}})
				if tc.overdue != (len(got) == 1) || (len(got) == 1 && (got[0].ID != late.ID || !got[0].Overdue)) {
					t.Errorf("overdue list %+v, want overdue %v", got, tc.overdue)
				}
				rest := e.rightsList(tr.c1Admin.Access, url.Values{"overdue": {"false"}})
				if want := map[bool]int{true: 1, false: 2}[tc.overdue]; len(rest) != want {
					t.Errorf("%d not overdue, want %d", len(rest), want)
				}
			})
		}
		e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.c1, nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &ov)
		if ov.RightsRequests.Pending != 1 || ov.RightsRequests.Overdue != 1 {
			t.Errorf("parent federation's overview once overdue: %+v", ov.RightsRequests)
		}
		e.renew(&tr.rootAdmin)
		e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.c2, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &ov)
		if ov.RightsRequests.Pending != 0 || ov.RightsRequests.Overdue != 0 {
			t.Errorf("another subtree's overview: %+v", ov.RightsRequests)
		}
	})
}

// TestRightsRequestConcurrentApprovals: two admins approving one
// correction at once apply it once: one 200, one 409, one correction event.
func TestRightsRequestConcurrentApprovals(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		v := tr.rightsRequest(tr.u1)
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, who := range []session{tr.chair1, tr.staff1} {
			wg.Go(func() {
				statuses[i] = e.do("POST", "/api/v1/admin/rights-requests/"+v.ID+"/approve", map[string]any{"version": 1}, who.Access).Status
			})
		}
		wg.Wait()
		slices.Sort(statuses)
		if statuses[0] != 200 || statuses[1] != 409 {
			t.Fatalf("statuses %v, want one 200 and one 409", statuses)
		}
		var ev struct {
			Items []struct {
				Type string `json:"type"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/members/"+*v.MemberID+"/events", nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &ev)
		n := 0
		for _, x := range ev.Items {
			if x.Type == "correction" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d correction events, want 1", n)
		}
	})
}
