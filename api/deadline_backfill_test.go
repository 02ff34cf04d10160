package api_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/application"
)

// forgetDueDates makes the applications look as migration 15 left those
// submitted before it: due_on NULL (SQL cannot count working days).
func (e *testEnv) forgetDueDates() {
	e.t.Helper()
	if err := e.db.Exec("UPDATE applications SET due_on = NULL").Error; err != nil {
		e.t.Fatal(err)
	}
}

// TestSweepBackfillsDueOn: applications submitted before migration 15
// have no due date; one sweep gives each still submitted the due date of
// its submission (business zone, holidays counted: National Day 2026) and
// they take part in that sweep's notices like the others; a returned one
// stays without one, and the next sweep has nothing left to do.
func TestSweepBackfillsDueOn(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-09-28", 9))
		tr := newTree(t, e)
		_, a1 := tr.applyAs(tr.u1)
		e.clock.set(onDay(t, "2026-09-30", 23)) // 23:00 Beijing is still the 30th (15:00 UTC)
		_, a2 := tr.applyAs(tr.u1)
		e.clock.set(onDay(t, "2026-10-12", 9))
		_, returned := tr.applyAs(tr.u1)
		e.renew(&tr.chair1)
		e.do("POST", "/api/v1/admin/applications/"+returned.ID+"/return", map[string]any{"version": returned.Version, "reason": "照片不清晰"},
			tr.chair1.Access).expect(t, 200, 0)
		e.clock.set(onDay(t, "2026-10-22", 9))
		_, a3 := tr.applyAs(tr.u1)
		e.forgetDueDates()

		e.clock.set(onDay(t, "2026-10-26", 8))
		got, err := e.apps.SweepDeadlines(context.Background())
		// a1 (due 10-23) is escalated, a2 (due 10-27) reminded, a3 (due 11-12) too early.
		if want := (application.Sweep{Backfilled: 3, Reminders: 1, Escalations: 1}); err != nil || got != want {
			t.Fatalf("first sweep: %+v, %v; want %+v", got, err, want)
		}
		e.renew(&tr.chair1)
		for _, tc := range []struct {
			name      string
			id        string
			due       string // "": none
			overdue   bool
			escalated bool
		}{
			{"submitted Monday 09-28", a1.ID, "2026-10-23", true, true},
			{"submitted Wednesday 09-30 late evening", a2.ID, "2026-10-27", false, false},
			{"submitted Thursday 10-22", a3.ID, "2026-11-12", false, false},
			{"returned", returned.ID, "", false, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var v dueView
				e.do("GET", "/api/v1/admin/applications/"+tc.id, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &v)
				if (v.DueOn == nil) != (tc.due == "") || v.DueOn != nil && *v.DueOn != tc.due ||
					v.Overdue != tc.overdue || v.Escalated != tc.escalated {
					t.Errorf("due_on %s overdue %v escalated %v; want %q, %v, %v",
						str(v.DueOn), v.Overdue, v.Escalated, tc.due, tc.overdue, tc.escalated)
				}
			})
		}
		if got, err := e.apps.SweepDeadlines(context.Background()); err != nil || got != (application.Sweep{}) {
			t.Errorf("second sweep: %+v, %v; want nothing to do", got, err)
		}
		e.renew(&tr.c1Admin)
		if n := e.deadlineNotices(tr.c1Admin); !mapsEqual(n, map[string]int{"application_overdue": 1}) {
			t.Errorf("federation admin's notices %v, want one overdue", n)
		}
	})
}

// TestSweepBackfillBound: one sweep dates at most DueBackfillPerSweep
// applications; the next dates the rest, each with its submission's due
// date.
func TestSweepBackfillBound(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-11-02", 9)) // Monday: due 15 working days later, 11-23
		tr := newTree(t, e)
		const extra = 7
		n := application.DueBackfillPerSweep + extra
		apps := e.undated(mustID(t, tr.u1), n)
		e.insertUndated(apps)
		for _, tc := range []struct {
			name       string
			backfilled int
			undated    int64
		}{
			{"first sweep", application.DueBackfillPerSweep, extra},
			{"second sweep", extra, 0},
			{"third sweep", 0, 0},
		} {
			got, err := e.apps.SweepDeadlines(context.Background())
			if err != nil || got != (application.Sweep{Backfilled: tc.backfilled}) {
				t.Errorf("%s: %+v, %v; want %d backfilled, no notice", tc.name, got, err, tc.backfilled)
			}
			var undated int64
			if err := e.db.Model(&model.Application{}).Where("due_on IS NULL").Count(&undated).Error; err != nil {
				t.Fatal(err)
			}
			if undated != tc.undated {
				t.Errorf("%s: %d without a due date, want %d", tc.name, undated, tc.undated)
			}
		}
		var dates []struct {
			DueOn string
			N     int
		}
		if err := e.db.Model(&model.Application{}).Select("due_on, COUNT(*) AS n").Group("due_on").Scan(&dates).Error; err != nil {
			t.Fatal(err)
		}
		if len(dates) != 1 || dates[0].DueOn != "2026-11-23" || dates[0].N != n {
			t.Errorf("due dates %+v, want all %d on 2026-11-23", dates, n)
		}
	})
}

// TestSweepBackfillTwoNodesAtOnce: two nodes sweeping at the same moment
// date each application once between them.
func TestSweepBackfillTwoNodesAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.set(onDay(t, "2026-11-02", 9))
		tr := newTree(t, e)
		const n = 450
		e.insertUndated(e.undated(mustID(t, tr.u1), n))
		var (
			wg    sync.WaitGroup
			total atomic.Int64
		)
		for range 2 {
			wg.Go(func() {
				got, err := e.apps.SweepDeadlines(context.Background())
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(got.Backfilled))
			})
		}
		wg.Wait()
		var undated int64
		if err := e.db.Model(&model.Application{}).Where("due_on IS NULL").Count(&undated).Error; err != nil {
			t.Fatal(err)
		}
		if total.Load() != n || undated != 0 {
			t.Errorf("the two nodes dated %d, %d left undated; want %d, 0", total.Load(), undated, n)
		}
	})
}

// undated returns n submitted applications to org, submitted now,
// without a due date.
func (e *testEnv) undated(org int64, n int) []model.Application {
	at := e.clock.Now().UTC()
	apps := make([]model.Application, n)
	for i := range apps {
		apps[i] = model.Application{ID: model.NewID(), UserID: model.NewID(), OrgID: org, Status: model.AppSubmitted,
			Version: 1, Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
	}
	return apps
}

// insertUndated writes apps as rows migration 15 left without a due
// date: no service would create them.
func (e *testEnv) insertUndated(apps []model.Application) {
	e.t.Helper()
	if err := e.db.CreateInBatches(apps, 200).Error; err != nil {
		e.t.Fatal(err)
	}
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
