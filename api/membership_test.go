package api_test

import (
	"strings"
	"sync"
	"testing"
)

type memberView struct {
	ID             string `json:"id"`
	MemberNo       string `json:"member_no"`
	OrgID          string `json:"org_id"`
	Status         string `json:"status"`
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked"`
	Version        int    `json:"version"`
	Education      string `json:"education"`
	Claimed        bool   `json:"claimed"`
}

func TestMemberStatusMoves(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		path := "/api/v1/admin/members/" + m.MemberID + "/status"
		tests := []struct {
			name         string
			body         map[string]any
			status, code int
			want         string
		}{
			{"reason required", map[string]any{"status": "retained"}, 422, 40001, ""},
			{"bad status", map[string]any{"status": "asleep", "reason": "x"}, 422, 40001, ""},
			{"retain", map[string]any{"status": "retained", "reason": "退休"}, 200, 0, "retained"},
			{"suspend", map[string]any{"status": "suspended", "reason": "卡片挂失"}, 200, 0, "suspended"},
			{"same status", map[string]any{"status": "suspended", "reason": "再次"}, 409, 40900, ""},
			{"stale version", map[string]any{"status": "active", "reason": "恢复", "version": 1}, 409, 40900, ""},
			{"restore", map[string]any{"status": "active", "reason": "找回卡片"}, 200, 0, "active"},
			{"remove", map[string]any{"status": "removed", "reason": "严重违纪"}, 200, 0, "removed"},
			{"final", map[string]any{"status": "active", "reason": "恢复"}, 409, 40900, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", path, tc.body, tr.chair1.Access).expect(t, tc.status, tc.code)
				if tc.want != "" {
					var v memberView
					r.decode(t, &v)
					if v.Status != tc.want {
						t.Errorf("status %s, want %s", v.Status, tc.want)
					}
				}
			})
		}
		var ev struct {
			Items []struct {
				Type         string  `json:"type"`
				NationalCode *string `json:"national_code"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/members/"+m.MemberID+"/events", nil, tr.staff1.Access).expect(t, 200, 0).decode(t, &ev)
		var types []string
		for _, x := range ev.Items {
			types = append(types, x.Type)
		}
		if strings.Join(types, ",") != "remove,restore,suspend,retain,join" {
			t.Errorf("events: %v", types)
		}
		if ev.Items[0].NationalCode == nil || *ev.Items[0].NationalCode != "5" {
			t.Errorf("remove event national code: %+v", ev.Items[0])
		}
		// Off the roll, the same person may apply again.
		again := e.newApplicant(m.phone, m.idNumber)
		e.apply(again, tr.u2)
	})
}

func TestMemberListAndCorrection(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m1 := tr.member(tr.u1)
		tr.member(tr.u1)
		tr.member(tr.u3)
		var list struct {
			Items      []memberView `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		r := e.do("GET", "/api/v1/admin/members?limit=1", nil, tr.chair1.Access).expect(t, 200, 0)
		r.decode(t, &list)
		if len(list.Items) != 1 || list.NextCursor == nil {
			t.Fatalf("first page: %s", r.Raw)
		}
		e.do("GET", "/api/v1/admin/members?cursor="+*list.NextCursor, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &list)
		if len(list.Items) != 1 || list.NextCursor != nil {
			t.Fatalf("second page: %+v", list)
		}
		if strings.Contains(e.bodies.String(), m1.idNumber) {
			t.Error("member list shows a full ID number")
		}
		e.do("GET", "/api/v1/admin/members?q="+m1.MemberNo, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != m1.MemberID {
			t.Fatalf("search by member number: %+v", list)
		}
		e.do("GET", "/api/v1/admin/members?status=asleep", nil, tr.chair1.Access).expect(t, 400, 40000)
		e.do("GET", "/api/v1/admin/members?org_id="+tr.u3, nil, tr.chair1.Access).expect(t, 404, 40400)
		// Correction.
		path := "/api/v1/admin/members/" + m1.MemberID
		if r := e.do("PATCH", path, map[string]any{"education": "大学专科"}, tr.chair1.Access).expect(t, 422, 40001); detailFields(r) != "reason,version" {
			t.Errorf("correction without version and reason: details %+v", r.Details)
		}
		e.do("PATCH", path, map[string]any{"version": 1, "reason": "录错", "education": "博士后"}, tr.chair1.Access).expect(t, 422, 40001).expectField(t, "education")
		var v memberView
		e.do("PATCH", path, map[string]any{"version": 1, "reason": "学历录错", "education": "大学专科", "name": "张三丰"}, tr.chair1.Access).
			expect(t, 200, 0).decode(t, &v)
		if v.Education != "大学专科" || v.Name != "张三丰" || v.Version != 2 {
			t.Fatalf("corrected: %+v", v)
		}
		e.do("PATCH", path, map[string]any{"version": 1, "reason": "再改", "education": "高中"}, tr.chair1.Access).expect(t, 409, 40900)
		e.do("GET", path, nil, tr.chair3.Access).expect(t, 404, 40400)
	})
}

func TestTransfer(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u1}, m.Access).expect(t, 422, 40001).expectField(t, "to_org_id")
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.c1}, m.Access).expect(t, 422, 40001).expectField(t, "to_org_id")
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3}, tr.plain.Access).expect(t, 404, 40400)
		var tf struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		first := e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, m.Access, "Idempotency-Key", "t-1").expect(t, 201, 0)
		first.decode(t, &tf)
		again := e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, m.Access, "Idempotency-Key", "t-1").expect(t, 201, 0)
		if string(first.Data) != string(again.Data) {
			t.Error("retry with the same key gave another reply")
		}
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u2}, m.Access).expect(t, 409, 40900)
		// The origin's chair cannot decide it; the destination's can.
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair1.Access).expect(t, 404, 40400)
		var pending struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/transfers?status=pending", nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &pending)
		if len(pending.Items) != 1 || pending.Items[0].ID != tf.ID {
			t.Fatalf("destination queue: %+v", pending)
		}
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/reject", map[string]any{}, tr.chair3.Access).expect(t, 422, 40001).expectField(t, "reason")
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &tf)
		if tf.Status != "approved" {
			t.Fatalf("transfer: %+v", tf)
		}
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 409, 40900)
		var v memberView
		e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &v)
		if v.OrgID != tr.u3 || v.MemberNo != m.MemberNo {
			t.Fatalf("moved member: %+v", v)
		}
		e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair1.Access).expect(t, 404, 40400)
		var ev struct {
			Items []struct {
				Type string `json:"type"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/members/"+m.MemberID+"/events", nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &ev)
		if len(ev.Items) != 3 || ev.Items[2].Type != "join" {
			t.Errorf("events after transfer: %+v", ev.Items)
		}
	})
}

func TestLeaveAndClaim(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		// The same person on a new WeChat account claims the record.
		s2 := e.login(uniqueOpenID(t))
		e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": "张三", "id_number": m.idNumber}, s2.Access).expect(t, 422, 40001).expectField(t, "phone")
		e.bindPhone(s2, m.phone)
		tests := []struct {
			name, person, id string
		}{
			{"wrong name", "李四", m.idNumber},
			{"wrong id", "张三", idNumber("19700101", 999)},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": tc.person, "id_number": tc.id}, s2.Access).expect(t, 404, 40400)
			})
		}
		var v memberView
		e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": "张三", "id_number": strings.ToLower(m.idNumber)}, s2.Access).expect(t, 200, 0).decode(t, &v)
		if v.ID != m.MemberID || !v.Claimed {
			t.Fatalf("claimed: %+v", v)
		}
		// The old account is no longer the member.
		e.do("POST", "/api/v1/me/membership/leave", nil, m.Access).expect(t, 404, 40400)
		// Too many tries.
		e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": "张三", "id_number": m.idNumber}, s2.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": "张三", "id_number": m.idNumber}, s2.Access).expect(t, 429, 42900)
		// Leaving.
		e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "离职"}, s2.Access).expect(t, 200, 0).decode(t, &v)
		if v.Status != "left" {
			t.Fatalf("left: %+v", v)
		}
		e.do("POST", "/api/v1/me/membership/leave", nil, s2.Access).expect(t, 404, 40400)
	})
}

// Concurrent transfers in both directions neither deadlock nor lose anyone.
func TestConcurrentTransfers(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var ids []struct{ id, chair string }
		for i := 0; i < 3; i++ {
			a, b := tr.member(tr.u1), tr.member(tr.u3)
			var t1, t2 struct {
				ID string `json:"id"`
			}
			e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3}, a.Access).expect(t, 201, 0).decode(t, &t1)
			e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u1}, b.Access).expect(t, 201, 0).decode(t, &t2)
			ids = append(ids, struct{ id, chair string }{t1.ID, tr.chair3.Access}, struct{ id, chair string }{t2.ID, tr.chair1.Access})
		}
		var wg sync.WaitGroup
		for _, x := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := e.do("POST", "/api/v1/admin/transfers/"+x.id+"/approve", nil, x.chair); r.Status != 200 {
					t.Errorf("approve: %d %s", r.Status, r.Raw)
				}
			}()
		}
		wg.Wait()
		for _, u := range []string{tr.u1, tr.u3} {
			if n, err := e.apps.MembersOnRoll(t.Context(), mustID(t, u)); err != nil || n != 3 {
				t.Errorf("union %s has %d members, %v", u, n, err)
			}
		}
	})
}
