package api_test

import (
	"slices"
	"strings"
	"testing"
)

// recordChanged returns s's record_changed notices, newest first.
func (e *testEnv) recordChanged(s session) []notificationItem {
	e.t.Helper()
	var page notificationPage
	e.do("GET", "/api/v1/me/notifications?limit=100", nil, s.Access).expect(e.t, 200, 0).decode(e.t, &page)
	var out []notificationItem
	for _, n := range page.Items {
		if n.Kind == "record_changed" {
			out = append(out, n)
		}
	}
	return out
}

// latestEvent returns the id and type of a member's newest event.
func (e *testEnv) latestEvent(by session, memberID string) (id, typ string) {
	e.t.Helper()
	var ev struct {
		Items []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/admin/members/"+memberID+"/events?limit=1", nil, by.Access).expect(e.t, 200, 0).decode(e.t, &ev)
	if len(ev.Items) == 0 {
		e.t.Fatal("no events")
	}
	return ev.Items[0].ID, ev.Items[0].Type
}

// TestRecordChangedNotices: every admin change to a record linked to a
// user (correction, status change, approved transfer) tells that user,
// naming the fields changed, never their values, and the event (API.md
// §10, transparency).
func TestRecordChangedNotices(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name      string
			change    func(m enrolled)
			by        func() session // who then reads the member's events
			wantEvent string
			fields    []string
			secret    string // a value the notice must not carry
		}{
			{"correction", func(m enrolled) {
				e.do("PATCH", "/api/v1/admin/members/"+m.MemberID, map[string]any{"version": 1, "reason": "录错",
					"education": "大学专科", "phone": "13912345678", "employment": map[string]any{"job_title": "焊工"}}, tr.chair1.Access).expect(t, 200, 0)
			}, func() session { return tr.chair1 }, "correction", []string{"phone", "education", "employment.job_title"}, "13912345678"},
			{"status", func(m enrolled) {
				e.do("POST", "/api/v1/admin/members/"+m.MemberID+"/status", map[string]any{"status": "retained", "reason": "退休"}, tr.chair1.Access).expect(t, 200, 0)
			}, func() session { return tr.chair1 }, "retain", []string{"status"}, ""},
			{"transfer", func(m enrolled) {
				var tf struct {
					ID string `json:"id"`
				}
				e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, m.Access).expect(t, 201, 0).decode(t, &tf)
				e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 200, 0)
			}, func() session { return tr.chair3 }, "transfer_in", []string{"org_id"}, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				m := tr.member(tr.u1)
				if n := len(e.recordChanged(m.session)); n != 0 {
					t.Fatalf("%d record_changed notices before any change", n)
				}
				tc.change(m)
				got := e.recordChanged(m.session)
				if len(got) != 1 {
					t.Fatalf("%d record_changed notices, want 1", len(got))
				}
				eventID, typ := e.latestEvent(tc.by(), m.MemberID)
				if typ != tc.wantEvent {
					t.Fatalf("latest event %s, want %s", typ, tc.wantEvent)
				}
				n := got[0]
				if n.Data["event_id"] != eventID || n.Data["member_id"] != m.MemberID {
					t.Errorf("notice data %v, want event %s of member %s", n.Data, eventID, m.MemberID)
				}
				var fields []string
				for _, f := range n.Data["fields"].([]any) {
					fields = append(fields, f.(string))
				}
				slices.Sort(fields)
				want := slices.Clone(tc.fields)
				slices.Sort(want)
				if !slices.Equal(fields, want) {
					t.Errorf("fields %v, want %v", fields, want)
				}
				if tc.secret != "" {
					for _, s := range []string{n.Title, n.Body} {
						if strings.Contains(s, tc.secret) {
							t.Errorf("notice carries the new value: %q", s)
						}
					}
				}
			})
		}
		t.Run("own leaving", func(t *testing.T) {
			// Not an admin's change: the member knows.
			m := tr.member(tr.u1)
			e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "离职"}, m.Access).expect(t, 200, 0)
			if n := len(e.recordChanged(m.session)); n != 0 {
				t.Errorf("the member's own leaving sent %d record_changed notices", n)
			}
		})
	})
}
