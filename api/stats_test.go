package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// overviewView is the part of an overview reply tests read.
type overviewView struct {
	OrgID   string `json:"org_id"`
	Members struct {
		Total          int64 `json:"total"`
		Active         int64 `json:"active"`
		Female         int64 `json:"female"`
		MigrantWorkers int64 `json:"migrant_workers"`
		Dispatched     int64 `json:"dispatched"`
		Floating       int64 `json:"floating"`
	} `json:"members"`
	WorkersTotal   int64    `json:"workers_total"`
	MembershipRate *float64 `json:"membership_rate"`
	Applications   struct {
		Pending       int64 `json:"pending"`
		ApprovedMonth int64 `json:"approved_month"`
		RejectedMonth int64 `json:"rejected_month"`
	} `json:"applications"`
	GrassrootsUnions int64 `json:"grassroots_unions"`
	ByChild          []struct {
		OrgID          string   `json:"org_id"`
		Name           string   `json:"name"`
		MembersTotal   int64    `json:"members_total"`
		WorkersTotal   int64    `json:"workers_total"`
		MembershipRate *float64 `json:"membership_rate"`
		Pending        int64    `json:"pending"`
	} `json:"by_child"`
	Trend []struct {
		Month  string `json:"month"`
		Joined int64  `json:"joined"`
		Left   int64  `json:"left"`
	} `json:"trend"`
}

// TestStatsOverview changes the roll through the real routes (approvals,
// a rejection, a transfer, an admin's status moves, a member leaving, an
// org edit) and reads the overview: numbers, rate, ranking, trend and
// scope. The counters then equal a fresh recount.
func TestStatsOverview(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		root := tr.rootAdmin.Access
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u2, map[string]any{"worker_count": 50}, root).expect(t, 200, 0)
		m1, m2, m3 := tr.member(tr.u1), tr.member(tr.u1), tr.member(tr.u2)
		tr.member(tr.u3)
		tr.application(tr.u1)
		tr.application(tr.u3)
		tr.application(tr.u3)
		r := tr.application(tr.u3)
		e.do("POST", "/api/v1/admin/applications/"+r.ID+"/reject", map[string]any{"version": r.Version, "reason": "材料不全"}, root).expect(t, 200, 0)
		tid := tr.transfer(tr.u1) // a new member of u2 moves to u1
		e.do("POST", "/api/v1/admin/transfers/"+tid+"/approve", map[string]any{}, tr.chair1.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/admin/members/"+m3.MemberID+"/status", map[string]any{"status": "left", "reason": "调离"}, root).expect(t, 200, 0)
		e.do("POST", "/api/v1/admin/members/"+m2.MemberID+"/status", map[string]any{"status": "retained", "reason": "退休"}, root).expect(t, 200, 0)
		e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "个人原因"}, m1.Access).expect(t, 200, 0)

		drifts, err := e.stats.Reconcile(context.Background())
		if err != nil || len(drifts) != 0 {
			t.Fatalf("counters drifted from the recount: %v %+v", err, drifts)
		}

		var ov overviewView
		e.do("GET", "/api/v1/admin/stats/overview", nil, root).expect(t, 200, 0).decode(t, &ov)
		// On the roll: m2 (retained) and the transferred member in u1, one in u3.
		if ov.OrgID != tr.root || ov.Members.Total != 3 || ov.Members.Active != 2 || ov.Members.MigrantWorkers != 3 ||
			ov.Members.Dispatched != 3 || ov.Members.Floating != 3 || ov.WorkersTotal != 450 || ov.GrassrootsUnions != 3 {
			t.Fatalf("root overview: %s", e.do("GET", "/api/v1/admin/stats/overview", nil, root).Raw)
		}
		if ov.MembershipRate == nil || *ov.MembershipRate != 0.0067 {
			t.Errorf("rate: %v", ov.MembershipRate)
		}
		if a := ov.Applications; a.Pending != 3 || a.ApprovedMonth != 5 || a.RejectedMonth != 1 {
			t.Errorf("applications: %+v", a)
		}
		last := ov.Trend[len(ov.Trend)-1]
		if len(ov.Trend) != 12 || last.Month != "2026-11" || last.Joined != 5 || last.Left != 2 || ov.Trend[0].Month != "2025-12" || ov.Trend[0].Joined != 0 {
			t.Errorf("trend: %+v", ov.Trend)
		}
		if len(ov.ByChild) != 2 || ov.ByChild[0].OrgID != tr.c1 || ov.ByChild[0].MembersTotal != 2 || ov.ByChild[0].WorkersTotal != 250 ||
			*ov.ByChild[0].MembershipRate != 0.008 || ov.ByChild[1].Pending != 2 {
			t.Errorf("by_child: %+v", ov.ByChild)
		}

		var byPending overviewView
		e.do("GET", "/api/v1/admin/stats/overview?sort=pending&org_id="+tr.root, nil, root).expect(t, 200, 0).decode(t, &byPending)
		if byPending.ByChild[0].OrgID != tr.c2 {
			t.Errorf("sort=pending: %+v", byPending.ByChild)
		}
		var mine overviewView
		e.do("GET", "/api/v1/admin/stats/overview", nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &mine)
		if mine.OrgID != tr.u1 || mine.Members.Total != 2 || len(mine.ByChild) != 0 || mine.Applications.Pending != 1 {
			t.Errorf("the chair's own union: %+v", mine)
		}

		cases := []struct {
			name         string
			path         string
			token        string
			status, code int
		}{
			{"another union's subtree", "?org_id=" + tr.c1, tr.chair3.Access, 404, 40400},
			{"an org that does not exist", "?org_id=12345", root, 404, 40400},
			{"a verifier", "", tr.verif1.Access, 403, 40300},
			{"no role", "", tr.plain.Access, 403, 40300},
			{"a bad sort", "?sort=name", root, 400, 40000},
			{"a bad org_id", "?org_id=abc", root, 400, 40000},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do("GET", "/api/v1/admin/stats/overview"+c.path, nil, c.token).expect(t, c.status, c.code)
			})
		}
	})
}

// TestStatsOverviewCached: within its 30 s an overview is served from the
// cache; after them it shows the new numbers. (The in-process cache
// follows the test clock; Redis keeps real time, so not there.)
func TestStatsOverviewCached(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		if _, ok := e.cache.(*cache.Memory); !ok {
			t.Skip("Redis expiry follows the wall clock")
		}
		tr := newTree(t, e)
		read := func() int64 {
			var ov overviewView
			e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.u1, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &ov)
			return ov.Members.Total
		}
		if n := read(); n != 0 {
			t.Fatalf("empty union: %d", n)
		}
		tr.member(tr.u1)
		if n := read(); n != 0 {
			t.Errorf("within the cache time: %d", n)
		}
		e.clock.Advance(31 * time.Second)
		if n := read(); n != 1 {
			t.Errorf("after it: %d", n)
		}
	})
}
