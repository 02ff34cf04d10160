package api_test

import (
	"context"
	"testing"
)

// auditItem is one row of GET /admin/audit-logs.
type auditItem struct {
	ID        string         `json:"id"`
	Seq       int64          `json:"seq"`
	ActorID   *string        `json:"actor_id"`
	OrgID     string         `json:"org_id"`
	Action    string         `json:"action"`
	Target    string         `json:"target"`
	RequestID string         `json:"request_id"`
	Detail    map[string]any `json:"detail"`
	CreatedAt string         `json:"created_at"`
	Hash      string         `json:"hash"`
}

type auditPage struct {
	Items      []auditItem `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

func (e *testEnv) auditLogs(t *testing.T, query string, s session) auditPage {
	t.Helper()
	var p auditPage
	e.do("GET", "/api/v1/admin/audit-logs"+query, nil, s.Access).expect(t, 200, 0).decode(t, &p)
	return p
}

func TestAuditLogScope(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		inC1 := map[string]bool{tr.c1: true, tr.u1: true, tr.u2: true}
		all := e.auditLogs(t, "?limit=100", tr.rootAdmin)
		orgsSeen := map[string]bool{}
		for _, it := range all.Items {
			orgsSeen[it.OrgID] = true
			if it.ID == "" || it.Seq <= 0 || len(it.Hash) != 64 || it.Action == "" || it.CreatedAt == "" {
				t.Errorf("incomplete row: %+v", it)
			}
		}
		for _, o := range []string{tr.root, tr.c1, tr.c2, tr.u1, tr.u2, tr.u3} {
			if !orgsSeen[o] {
				t.Errorf("root admin does not see the rows of org %s", o)
			}
		}
		last := all.Items[len(all.Items)-1] // the oldest: the bootstrap invitation
		if last.Action != "invitation.create" || last.ActorID != nil || last.OrgID != tr.root || last.Detail["role"] != "federation_admin" {
			t.Errorf("oldest row: %+v", last)
		}

		c1 := e.auditLogs(t, "?limit=100", tr.c1Admin)
		if len(c1.Items) == 0 || len(c1.Items) >= len(all.Items) {
			t.Fatalf("c1 admin sees %d of %d rows", len(c1.Items), len(all.Items))
		}
		for _, it := range c1.Items {
			if !inC1[it.OrgID] {
				t.Errorf("c1 admin sees a row of org %s: %+v", it.OrgID, it)
			}
		}

		cases := []struct {
			name   string
			query  string
			who    session
			status int
			code   int
		}{
			{"chair", "", tr.chair1, 403, 40300},
			{"staff", "", tr.staff1, 403, 40300},
			{"verifier", "", tr.verif1, 403, 40300},
			{"no role", "", tr.plain, 403, 40300},
			{"org outside the scope", "?org_id=" + tr.u3, tr.c1Admin, 404, 40400},
			{"unknown org", "?org_id=1", tr.c1Admin, 404, 40400},
			{"bad org id", "?org_id=abc", tr.c1Admin, 400, 40000},
			{"bad cursor", "?cursor=zzz", tr.c1Admin, 400, 40000},
			{"bad limit", "?limit=0", tr.c1Admin, 400, 40000},
			{"no token", "", session{}, 401, 40100},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e.do("GET", "/api/v1/admin/audit-logs"+tc.query, nil, tc.who.Access).expect(t, tc.status, tc.code)
			})
		}
	})
}

func TestAuditLogFilters(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		// In c1's subtree: c1Admin's, chair1's, staff1's and verif1's acceptances.
		acc := e.auditLogs(t, "?action=invitation.accept", tr.c1Admin)
		if len(acc.Items) != 4 {
			t.Fatalf("%d acceptances, want 4: %+v", len(acc.Items), acc.Items)
		}
		for _, it := range acc.Items {
			if it.Action != "invitation.accept" || it.ActorID == nil || it.Detail["binding_id"] == nil {
				t.Errorf("row: %+v", it)
			}
		}
		u1 := e.auditLogs(t, "?limit=100&org_id="+tr.u1, tr.c1Admin)
		if len(u1.Items) == 0 {
			t.Fatal("no rows for u1")
		}
		for _, it := range u1.Items {
			if it.OrgID != tr.u1 {
				t.Errorf("org filter let through %+v", it)
			}
		}
		if got := e.auditLogs(t, "?action=no.such.action", tr.rootAdmin); len(got.Items) != 0 || got.NextCursor != nil {
			t.Errorf("unknown action: %+v", got)
		}

		// A revocation is recorded with its actor and the role it ended.
		e.do("DELETE", "/api/v1/admin/roles/"+tr.verif1.BindingID, nil, tr.chair1.Access).expect(t, 200, 0)
		rev := e.auditLogs(t, "?action=role.revoke&org_id="+tr.u1, tr.rootAdmin)
		if len(rev.Items) != 1 {
			t.Fatalf("%d revocations, want 1", len(rev.Items))
		}
		r := rev.Items[0]
		if r.ActorID == nil || *r.ActorID != tr.chair1.UserID || r.Target != "role:"+tr.verif1.BindingID ||
			r.Detail["role"] != "verifier" || r.Detail["user_id"] != tr.verif1.UserID {
			t.Errorf("revocation row: %+v", r)
		}
		if n, b, err := e.audit.Verify(context.Background()); err != nil || b != nil || n == 0 {
			t.Fatalf("chain after the requests: %d rows, %v, %v", n, b, err)
		}
	})
}

func TestAuditLogPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		whole := e.auditLogs(t, "?limit=100", tr.rootAdmin)
		seen := map[string]bool{}
		var got []auditItem
		query := "?limit=4"
		for pages := 0; ; pages++ {
			if pages > len(whole.Items) {
				t.Fatal("pages do not end")
			}
			p := e.auditLogs(t, query, tr.rootAdmin)
			if len(p.Items) > 4 {
				t.Fatalf("page of %d rows", len(p.Items))
			}
			for _, it := range p.Items {
				if seen[it.ID] {
					t.Fatalf("row %s on two pages", it.ID)
				}
				seen[it.ID] = true
				got = append(got, it)
			}
			if p.NextCursor == nil {
				break
			}
			query = "?limit=4&cursor=" + *p.NextCursor
		}
		if len(got) != len(whole.Items) {
			t.Fatalf("pages gave %d rows, one page %d", len(got), len(whole.Items))
		}
		for i := range got {
			if got[i].ID != whole.Items[i].ID {
				t.Fatalf("row %d: %s on the pages, %s in one page", i, got[i].ID, whole.Items[i].ID)
			}
		}
	})
}
