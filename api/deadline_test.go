package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/application"
)

// applyAs submits a fresh worker's application to org and returns the
// worker and the reply.
func (tr *tree) applyAs(org string) (applicant, dueView) {
	tr.e.t.Helper()
	tr.n++
	a := tr.e.newApplicant(fmt.Sprintf("136%08d", tr.n), idNumber("19900101", tr.n))
	f := a.form(org)
	f["submit"] = true
	var v dueView
	tr.e.do("POST", "/api/v1/applications", f, a.Access).expect(tr.e.t, 201, 0).decode(tr.e.t, &v)
	return a, v
}

// TestDueOnAndOverdueQueue: due_on is the submission date plus 15 working
// days over National Day 2026 (holiday 10-01..10-07, make-up Saturday
// 10-10) in every view of an application; ?overdue filters the queue,
// keyset-paged; a resubmission after a return starts the period again.
func TestDueOnAndOverdueQueue(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		w1, a1 := tr.applyAs(tr.u1)
		e.clock.set(onDay(t, "2026-09-30", 23)) // 23:00 Beijing is still the 30th
		w2, a2 := tr.applyAs(tr.u1)
		e.clock.set(onDay(t, "2026-10-22", 9))
		_, a3 := tr.applyAs(tr.u1)
		for _, tc := range []struct {
			name string
			got  dueView
			want string
		}{
			{"submitted Monday 09-28", a1, "2026-10-23"},
			{"submitted Wednesday 09-30 late evening", a2, "2026-10-27"},
			{"submitted Thursday 10-22", a3, "2026-11-12"},
		} {
			if tc.got.DueOn == nil || *tc.got.DueOn != tc.want || tc.got.Overdue {
				t.Errorf("%s: due_on %v overdue %v, want %s, false", tc.name, tc.got.DueOn, tc.got.Overdue, tc.want)
			}
		}

		e.clock.set(onDay(t, "2026-10-26", 9)) // a1 overdue since Saturday 10-24
		for _, s := range []*session{&tr.chair1, &tr.c1Admin, &tr.rootAdmin, &w1.session} {
			e.renew(s)
		}
		cases := []struct {
			name  string
			token string
			query url.Values
			want  []string
		}{
			{"no filter", tr.chair1.Access, url.Values{}, []string{a3.ID, a2.ID, a1.ID}},
			{"overdue", tr.chair1.Access, url.Values{"overdue": {"true"}}, []string{a1.ID}},
			{"not overdue", tr.chair1.Access, url.Values{"overdue": {"false"}}, []string{a3.ID, a2.ID}},
			{"overdue and approved", tr.chair1.Access, url.Values{"overdue": {"true"}, "status": {"approved"}}, []string{}},
			{"overdue, parent federation", tr.c1Admin.Access, url.Values{"overdue": {"true"}}, []string{a1.ID}},
			{"overdue, root, one page a row", tr.rootAdmin.Access, url.Values{"overdue": {"true"}, "limit": {"1"}}, []string{a1.ID}},
			{"overdue, another union", tr.rootAdmin.Access, url.Values{"overdue": {"true"}, "org_id": {tr.u2}}, []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := ids(e.queue(tc.token, tc.query)); !slices.Equal(got, tc.want) && len(got)+len(tc.want) > 0 {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		for _, bad := range []string{"yes", "1", "TRUE"} {
			e.do("GET", "/api/v1/admin/applications?overdue="+bad, nil, tr.chair1.Access).expect(t, 400, 40000)
		}

		items := e.queue(tr.chair1.Access, url.Values{})
		if i := slices.IndexFunc(items, func(v dueView) bool { return v.ID == a1.ID }); i < 0 ||
			!items[i].Overdue || items[i].DueOn == nil || *items[i].DueOn != "2026-10-23" || items[i].Escalated {
			t.Errorf("a1 in the list: %+v", items)
		}
		var detail, mine dueView
		e.do("GET", "/api/v1/admin/applications/"+a1.ID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &detail)
		e.do("GET", "/api/v1/applications/"+a1.ID, nil, w1.Access).expect(t, 200, 0).decode(t, &mine)
		for name, v := range map[string]dueView{"detail": detail, "applicant's": mine} {
			if v.DueOn == nil || *v.DueOn != "2026-10-23" || !v.Overdue {
				t.Errorf("%s view: %+v, want due 2026-10-23, overdue", name, v)
			}
		}

		// Two overdue a day later, paged one at a time.
		e.clock.set(onDay(t, "2026-10-28", 9))
		e.renew(&tr.chair1)
		if got := ids(e.queue(tr.chair1.Access, url.Values{"overdue": {"true"}, "limit": {"1"}})); !slices.Equal(got, []string{a2.ID, a1.ID}) {
			t.Errorf("overdue pages: %v, want %v", got, []string{a2.ID, a1.ID})
		}

		// Returned on 10-28, resubmitted on 10-29: due 15 working days
		// after the 29th, no longer overdue.
		var ret dueView
		e.do("POST", "/api/v1/admin/applications/"+a2.ID+"/return", map[string]any{"version": a2.Version, "reason": "照片不清晰"},
			tr.chair1.Access).expect(t, 200, 0).decode(t, &ret)
		e.clock.set(onDay(t, "2026-10-29", 9))
		e.renew(&w2.session)
		var again dueView
		e.do("POST", "/api/v1/applications/"+a2.ID+"/submit", nil, w2.Access).expect(t, 200, 0).decode(t, &again)
		if again.DueOn == nil || *again.DueOn != "2026-11-19" || again.Overdue {
			t.Errorf("resubmitted: %+v, want due 2026-11-19, not overdue", again)
		}
	})
}

// TestDeadlineNoticesOverNationalDay drives the clock through a whole
// period, submitted on Monday 2026-09-28 before National Day (due Friday
// 10-23), sweeping three times a day, weekends and holidays included: the
// union's chair and staff are reminded once on 10-20 (3 working days
// before) and once on 10-23, the parent federation's admin is told once on
// Saturday 10-24, when the application shows escalated in both queues;
// nobody else hears of it. The federation admin then decides it.
func TestDeadlineNoticesOverNationalDay(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		_, app := tr.applyAs(tr.u1)
		want := map[string]application.Sweep{
			"2026-10-20": {Reminders: 1}, // to the chair and the staff
			"2026-10-23": {DueDay: 1},
			"2026-10-24": {Escalations: 1},
		}
		day := onDay(t, "2026-09-28", 0)
		for range 30 {
			for _, hour := range []int{0, 9, 17} {
				e.clock.set(day.Add(hourOf(hour)))
				got, err := e.apps.SweepDeadlines(ctx)
				if err != nil {
					t.Fatal(err)
				}
				d := day.Format("2006-01-02")
				if hour == 0 && got != want[d] || hour != 0 && got != (application.Sweep{}) {
					t.Errorf("%s %02d:00: sent %+v, want %+v", d, hour, got, map[bool]application.Sweep{true: want[d]}[hour == 0])
				}
			}
			day = day.AddDate(0, 0, 1)
		}
		for _, s := range []*session{&tr.chair1, &tr.staff1, &tr.c1Admin, &tr.rootAdmin, &tr.chair3, &tr.verif1} {
			e.renew(s)
		}
		union := map[string]int{"application_due_soon": 1, "application_due_today": 1}
		for _, tc := range []struct {
			name string
			s    session
			want map[string]int
		}{
			{"chair", tr.chair1, union},
			{"staff", tr.staff1, union},
			{"parent federation admin", tr.c1Admin, map[string]int{"application_overdue": 1}},
			{"root admin", tr.rootAdmin, map[string]int{}},
			{"another union's chair", tr.chair3, map[string]int{}},
			{"verifier", tr.verif1, map[string]int{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.deadlineNotices(tc.s); !mapsEqual(got, tc.want) {
					t.Errorf("notices %v, want %v", got, tc.want)
				}
			})
		}
		for _, s := range []session{tr.chair1, tr.c1Admin} {
			got := e.queue(s.Access, url.Values{"overdue": {"true"}})
			if len(got) != 1 || got[0].ID != app.ID || !got[0].Escalated || !got[0].Overdue {
				t.Errorf("overdue queue: %+v, want the application escalated", got)
			}
		}
		var detail dueView
		e.do("GET", "/api/v1/admin/applications/"+app.ID, nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &detail)
		if !detail.Escalated {
			t.Errorf("detail: %+v, want escalated", detail)
		}
		e.do("POST", "/api/v1/admin/applications/"+app.ID+"/approve", map[string]any{"version": detail.Version},
			tr.c1Admin.Access).expect(t, 200, 0)
		if got := e.queue(tr.c1Admin.Access, url.Values{"overdue": {"true"}}); len(got) != 0 {
			t.Errorf("overdue after the decision: %+v", got)
		}
	})
}

// TestDeadlineSweepTwoNodesAtOnce: two nodes sweeping at the same moment
// send each notice once between them.
func TestDeadlineSweepTwoNodesAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		const n = 6
		for range n {
			tr.applyAs(tr.u1)
		}
		for _, tc := range []struct {
			day  string
			want application.Sweep
		}{
			{"2026-10-20", application.Sweep{Reminders: n}},
			{"2026-10-23", application.Sweep{DueDay: n}},
			{"2026-10-26", application.Sweep{Escalations: n}},
		} {
			e.clock.set(onDay(t, tc.day, 8))
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				total application.Sweep
			)
			for range 2 {
				wg.Go(func() {
					got, err := e.apps.SweepDeadlines(context.Background())
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total.Reminders += got.Reminders
					total.DueDay += got.DueDay
					total.Escalations += got.Escalations
					mu.Unlock()
				})
			}
			wg.Wait()
			if total != tc.want {
				t.Errorf("%s: the two nodes sent %+v, want %+v", tc.day, total, tc.want)
			}
		}
		e.renew(&tr.chair1)
		e.renew(&tr.c1Admin)
		if got := e.deadlineNotices(tr.chair1); !mapsEqual(got, map[string]int{"application_due_soon": n, "application_due_today": n}) {
			t.Errorf("chair's notices %v", got)
		}
		if got := e.deadlineNotices(tr.c1Admin); !mapsEqual(got, map[string]int{"application_overdue": n}) {
			t.Errorf("federation admin's notices %v", got)
		}
	})
}

// TestOverviewOverdueAndTimeToDecision: the overview counts the overdue
// applications of the subtree and of each child, and the median working
// days from submission to decision of the month's decisions (approve,
// reject, return).
func TestOverviewOverdueAndTimeToDecision(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		_, approved := tr.applyAs(tr.u1)
		tr.applyAs(tr.u1) // overdue from 10-24
		tr.applyAs(tr.u3) // overdue from 10-24
		e.clock.set(onDay(t, "2026-10-09", 10))
		e.renew(&tr.chair1)
		e.do("POST", "/api/v1/admin/applications/"+approved.ID+"/approve", map[string]any{"version": approved.Version},
			tr.chair1.Access).expect(t, 200, 0) // 4 working days: 09-29, 09-30, 10-08, 10-09
		e.clock.set(onDay(t, "2026-10-12", 9))
		_, returned := tr.applyAs(tr.u1)
		_, rejected := tr.applyAs(tr.u2)
		e.clock.set(onDay(t, "2026-10-14", 16))
		e.renew(&tr.chair1)
		e.do("POST", "/api/v1/admin/applications/"+returned.ID+"/return", map[string]any{"version": returned.Version, "reason": "补充材料"},
			tr.chair1.Access).expect(t, 200, 0) // 2 working days
		e.clock.set(onDay(t, "2026-10-22", 11))
		e.renew(&tr.c1Admin)
		e.do("POST", "/api/v1/admin/applications/"+rejected.ID+"/reject", map[string]any{"version": rejected.Version, "reason": "不符合条件"},
			tr.c1Admin.Access).expect(t, 200, 0) // 8 working days

		e.clock.set(onDay(t, "2026-10-26", 9))
		e.renew(&tr.rootAdmin)
		type overview struct {
			Applications struct {
				Pending              int64    `json:"pending"`
				Overdue              int64    `json:"overdue"`
				MedianDaysToDecision *float64 `json:"median_days_to_decision"`
			} `json:"applications"`
			ByChild []struct {
				OrgID   string `json:"org_id"`
				Overdue int64  `json:"overdue"`
			} `json:"by_child"`
		}
		four := 4.0
		for _, tc := range []struct {
			name    string
			org     string
			overdue int64
			median  *float64
			byChild map[string]int64
		}{
			{"province", tr.root, 2, &four, map[string]int64{tr.c1: 1, tr.c2: 1}},
			{"city with the decisions", tr.c1, 1, &four, map[string]int64{tr.u1: 1, tr.u2: 0}},
			{"city without decisions", tr.c2, 1, nil, map[string]int64{tr.u3: 1}},
			{"one union", tr.u2, 0, &[]float64{8}[0], map[string]int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var ov overview
				e.do("GET", "/api/v1/admin/stats/overview?org_id="+tc.org, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &ov)
				a := ov.Applications
				if a.Overdue != tc.overdue || (a.MedianDaysToDecision == nil) != (tc.median == nil) ||
					tc.median != nil && *a.MedianDaysToDecision != *tc.median {
					t.Errorf("applications: overdue %d median %s, want %d %s", a.Overdue, days(a.MedianDaysToDecision), tc.overdue, days(tc.median))
				}
				got := map[string]int64{}
				for _, c := range ov.ByChild {
					got[c.OrgID] = c.Overdue
				}
				if len(got) != len(tc.byChild) {
					t.Errorf("by_child %v, want %v", got, tc.byChild)
				}
				for id, n := range tc.byChild {
					if got[id] != n {
						t.Errorf("by_child %v, want %v", got, tc.byChild)
					}
				}
			})
		}
	})
}

// dyingNotifier passes the first ok notices on and then fails, as a node
// that dies in the middle of a sweep.
type dyingNotifier struct {
	next application.Notifier
	ok   int
	mu   sync.Mutex
}

func (d *dyingNotifier) Notify(ctx context.Context, n application.Notice) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ok == 0 {
		return errors.New("node died")
	}
	d.ok--
	return d.next.Notify(ctx, n)
}

// TestDeadlineSweepDiesMidway: a sweep that fails after its first
// escalation leaves none of the notices sharing its transaction recorded or
// sent; the next sweep sends them, and each escalation reaches the
// federation admin once.
func TestDeadlineSweepDiesMidway(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		for range 3 {
			tr.applyAs(tr.u1)
		}
		e.clock.set(onDay(t, "2026-10-26", 8))
		dying := application.New(service.Env{Now: e.clock.Now, Location: e.cfg.Location()}, application.Deps{DB: e.db,
			Notifier: &dyingNotifier{next: application.Notices{Service: e.notify}, ok: 1}}, application.Config{})
		got, err := dying.SweepDeadlines(context.Background())
		if err == nil || got != (application.Sweep{}) {
			t.Fatalf("dying sweep: %+v, %v; want nothing sent, and the error", got, err)
		}
		e.renew(&tr.c1Admin)
		if n := e.deadlineNotices(tr.c1Admin); len(n) != 0 {
			t.Fatalf("after the dying sweep the federation admin has %v, want nothing: its transaction rolled back", n)
		}
		got, err = e.apps.SweepDeadlines(context.Background())
		if err != nil || got != (application.Sweep{Escalations: 3}) {
			t.Fatalf("next sweep: %+v, %v; want all three", got, err)
		}
		e.renew(&tr.c1Admin)
		if n := e.deadlineNotices(tr.c1Admin); !mapsEqual(n, map[string]int{"application_overdue": 3}) {
			t.Errorf("federation admin's notices %v, want 3 overdue", n)
		}
	})
}

// TestDeadlineSweepBacklogStatements: a sweep working off a backlog at one
// union reads the union and its parent's admins once, not once per notice
// (a fresh province's first sweep sent 46 000 notices one transaction and
// three reads each), and still reaches the admin once per application.
func TestDeadlineSweepBacklogStatements(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		counter := &statementCounter{Interface: e.db.Logger}
		e.db.Logger = counter // before anything runs concurrently: GORM reads it per statement
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		const n = 12
		for range n {
			tr.applyAs(tr.u1)
		}
		e.clock.set(onDay(t, "2026-10-26", 8))
		got, err := e.apps.SweepDeadlines(context.WithValue(context.Background(), countedKey{}, true))
		if err != nil || got != (application.Sweep{Escalations: n}) {
			t.Fatalf("sweep: %+v, %v; want %d escalations", got, err, n)
		}
		counter.mu.Lock()
		var orgReads, adminReads int
		for _, q := range counter.sql {
			switch {
			case strings.HasPrefix(q, "SELECT") && strings.Contains(q, "FROM `orgs`"):
				orgReads++
			case strings.HasPrefix(q, "SELECT") && strings.Contains(q, "FROM `role_bindings`"):
				adminReads++
			}
		}
		counter.mu.Unlock()
		if orgReads != 1 || adminReads != 1 {
			t.Errorf("%d notices read the union %d times and the admins %d times, want once each", n, orgReads, adminReads)
		}
		e.renew(&tr.c1Admin)
		if got := e.deadlineNotices(tr.c1Admin); !mapsEqual(got, map[string]int{"application_overdue": n}) {
			t.Errorf("federation admin's notices %v, want %d overdue", got, n)
		}
	})
}
