package api_test

import (
	"context"
	"testing"
)

// TestCanAssign: the queue and the detail say whether the caller may
// assign an application now (the console shows 转派 by it): only a
// submitted one at an intake point or escalated once overdue, only to
// federation admins in scope.
func TestCanAssign(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-11-02", 9))
		tr := newTree(t, e)
		tr.makeIntake(tr.rootAdmin, tr.c1, true)
		atIntake := e.apply(tr.worker(), tr.c1)
		returned := e.apply(tr.worker(), tr.c1)
		e.do("POST", "/api/v1/admin/applications/"+returned.ID+"/return", map[string]any{"version": returned.Version,
			"reason": "请补充材料"}, tr.c1Admin.Access).expect(t, 200, 0)
		atUnion := tr.application(tr.u1)

		canAssign := func(t *testing.T, by session) map[string]bool {
			t.Helper()
			var page struct {
				Items []struct {
					ID        string `json:"id"`
					CanAssign *bool  `json:"can_assign"`
				} `json:"items"`
			}
			e.do("GET", "/api/v1/admin/applications?status=&limit=100", nil, by.Access).expect(t, 200, 0).decode(t, &page)
			out := map[string]bool{}
			for _, it := range page.Items {
				if it.CanAssign == nil {
					t.Fatalf("application %s without can_assign", it.ID)
				}
				out[it.ID] = *it.CanAssign
			}
			return out
		}
		detail := func(t *testing.T, by session, id string) bool {
			t.Helper()
			var d struct {
				CanAssign *bool `json:"can_assign"`
			}
			e.do("GET", "/api/v1/admin/applications/"+id, nil, by.Access).expect(t, 200, 0).decode(t, &d)
			if d.CanAssign == nil {
				t.Fatalf("detail of %s without can_assign", id)
			}
			return *d.CanAssign
		}

		cases := []struct {
			name string
			by   session
			id   string
			want bool
		}{
			{"intake point, its federation admin", tr.c1Admin, atIntake.ID, true},
			{"intake point, the province's admin", tr.rootAdmin, atIntake.ID, true},
			{"intake point, returned", tr.c1Admin, returned.ID, false},
			{"at a union, federation admin", tr.c1Admin, atUnion.ID, false},
			{"at a union, its chair", tr.chair1, atUnion.ID, false},
			{"at a union, its staff", tr.staff1, atUnion.ID, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				list := canAssign(t, tc.by)
				if got, listed := list[tc.id]; !listed || got != tc.want {
					t.Errorf("queue: can_assign %v (listed %v), want %v", got, listed, tc.want)
				}
				if got := detail(t, tc.by, tc.id); got != tc.want {
					t.Errorf("detail: can_assign %v, want %v", got, tc.want)
				}
			})
		}

		// Once assigned to a union it is no longer there to assign.
		e.assign(tr.c1Admin, atIntake.ID, atIntake.Version, tr.u1, "").expect(t, 200, 0)
		if canAssign(t, tr.c1Admin)[atIntake.ID] || detail(t, tr.c1Admin, atIntake.ID) {
			t.Error("an assigned application still offers 转派")
		}
		// Overdue and escalated, the union's application may be assigned by
		// the parent federation (API.md §11), still not by the union's chair.
		e.clock.set(onDay(t, "2026-11-30", 9)) // due 11-23
		if _, err := e.apps.SweepDeadlines(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.renew(&tr.c1Admin)
		e.renew(&tr.chair1)
		if !canAssign(t, tr.c1Admin)[atUnion.ID] || !detail(t, tr.c1Admin, atUnion.ID) {
			t.Error("an escalated application does not offer 转派 to the parent federation's admin")
		}
		if canAssign(t, tr.chair1)[atUnion.ID] || detail(t, tr.chair1, atUnion.ID) {
			t.Error("an escalated application offers 转派 to the union's chair")
		}

	})
}

// TestAssignOnlyWhatMayBeAssigned: the assign route refuses what can_assign
// says no to — an application in its union's queue within its period is
// that union's to decide (409, found by review: any federation admin above
// could take it away) — and takes it once it is overdue and escalated.
func TestAssignOnlyWhatMayBeAssigned(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-11-02", 9))
		tr := newTree(t, e)
		atUnion := tr.application(tr.u1)
		e.assign(tr.c1Admin, atUnion.ID, atUnion.Version, tr.u2, "").expect(t, 409, 40900)
		e.assign(tr.rootAdmin, atUnion.ID, atUnion.Version, tr.u2, "").expect(t, 409, 40900)
		var still appView
		e.do("GET", "/api/v1/admin/applications/"+atUnion.ID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &still)
		if still.Version != atUnion.Version {
			t.Fatalf("a refused assignment changed the application: %+v", still)
		}

		e.clock.set(onDay(t, "2026-11-30", 9)) // due 11-23: overdue, escalated by the sweep
		if _, err := e.apps.SweepDeadlines(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.renew(&tr.c1Admin)
		e.assign(tr.c1Admin, atUnion.ID, atUnion.Version, tr.u2, "").expect(t, 200, 0)
	})
}
