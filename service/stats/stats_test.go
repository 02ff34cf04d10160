package stats_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/stats"
)

// TestCountersMatchRecount changes members, applications and orgs in every
// way the services do and checks, after each step, that the counters equal
// a fresh recount from the source tables.
func TestCountersMatchRecount(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.noDrift()
		a := w.join(w.u1, person{female: true, migrant: true, dispatched: true, floating: true})
		b := w.join(w.u1, person{female: true})
		c := w.join(w.u1, person{})
		d := w.join(w.u2, person{status: model.MemberRetained, migrant: true})
		e := w.join(w.u3, person{floating: true})
		f := w.join(w.u3, person{dispatched: true})
		w.noDrift()

		ov := w.overview(w.root, "")
		want := stats.Members{Total: 6, Active: 5, Female: 2, MigrantWorkers: 2, Dispatched: 2, Floating: 2}
		if ov.Members != want || ov.WorkersTotal != 400 || ov.GrassrootsUnions != 3 || ov.MembershipRate == nil || *ov.MembershipRate != 0.015 {
			t.Fatalf("root overview: %+v rate %v", ov, ov.MembershipRate)
		}

		t.Run("status moves", func(t *testing.T) {
			w.setStatus(a, model.MemberSuspended, "suspend")
			w.setStatus(a, model.MemberActive, "restore")
			w.setStatus(b, model.MemberRetained, "retain")
			w.noDrift()
			w.setStatus(c, model.MemberLeft, "leave")
			w.setStatus(d, model.MemberRemoved, "remove")
			w.setStatus(f, model.MemberDeceased, "death")
			w.noDrift()
		})
		t.Run("transfers", func(t *testing.T) {
			w.tx(func(ctx context.Context) error { return w.transferTx(ctx, a, w.u3) }) // across cities
			w.tx(func(ctx context.Context) error { return w.transferTx(ctx, b, w.u2) }) // within c1
			w.tx(func(ctx context.Context) error { return w.transferTx(ctx, e, w.u1) }) // back across
			w.noDrift()
		})
		t.Run("applications", func(t *testing.T) {
			p1 := w.apply(w.u1, true)
			p2 := w.apply(w.u1, true)
			p3 := w.apply(w.u3, false)
			p4 := w.apply(w.u2, true)
			p5 := w.apply(w.u2, true)
			w.noDrift()
			w.move(p1, model.AppApproved)
			w.move(p2, model.AppReturned)
			w.move(p2, model.AppSubmitted)
			w.move(p3, model.AppSubmitted)
			w.move(p4, model.AppRejected)
			w.move(p5, model.AppWithdrawn)
			w.noDrift()
			ov := w.overview(w.c1, "")
			if ov.Applications.Pending != 1 || ov.Applications.ApprovedMonth != 1 || ov.Applications.RejectedMonth != 1 {
				t.Errorf("c1 applications: %+v", ov.Applications)
			}
		})
		t.Run("org edits", func(t *testing.T) {
			w.editOrg(w.u3, func(o *model.Org) { o.WorkerCount = 50 })
			u4 := w.org(w.c2, "新建工会", model.OrgGrassroots, 20)
			w.editOrg(u4, func(o *model.Org) { o.Status = model.OrgDissolved })
			fed := w.org(w.c2, "临时区总", model.OrgFederation, 0)
			w.editOrg(fed, func(o *model.Org) { o.Type = model.OrgGrassroots; o.WorkerCount = 10 })
			w.noDrift()
			ov := w.overview(w.c2, "")
			if ov.WorkersTotal != 60 || ov.GrassrootsUnions != 2 {
				t.Errorf("c2 after edits: workers %d unions %d", ov.WorkersTotal, ov.GrassrootsUnions)
			}
		})
		t.Run("import batch", func(t *testing.T) {
			var ms []*model.Member
			w.tx(func(ctx context.Context) error {
				for i := range 5 {
					o := w.u1
					if i%2 == 1 {
						o = w.u3
					}
					m, err := w.newMember(ctx, o, person{female: i < 2})
					if err != nil {
						return err
					}
					ms = append(ms, m)
				}
				return w.st.MembersJoined(ctx, ms)
			})
			w.noDrift()
		})

		// The numbers as a chair would read them.
		ov = w.overview(w.c1, stats.SortMembers)
		if len(ov.ByChild) != 2 || ov.ByChild[0].OrgID != w.d1.ID || ov.ByChild[1].OrgID != w.u2.ID {
			t.Fatalf("c1 by_child: %+v", ov.ByChild)
		}
		// u1 (under d1): a (moved out), b (moved out), c (left) gone; e moved
		// in, p1's member, 3 imported.
		if ov.ByChild[0].MembersTotal != 5 || ov.ByChild[1].MembersTotal != 1 {
			t.Errorf("c1 children: %+v", ov.ByChild)
		}
		last := ov.Trend[len(ov.Trend)-1]
		if len(ov.Trend) != 12 || last.Month != "2026-11" || ov.Trend[0].Month != "2025-12" {
			t.Fatalf("trend: %+v", ov.Trend)
		}
		// c1 joins this month: a, b, c, d, p1's member, e (transfer in), 3
		// imports = 9; leaves: c, d (removed), a (transfer to c2) = 3; b moved
		// inside c1 and counts neither.
		if last.Joined != 9 || last.Left != 3 {
			t.Errorf("c1 this month: %+v", last)
		}
	})
}

// TestMonthsFollowBusinessZone counts flows in the month of the business
// time zone and zero-fills the trend.
func TestMonthsFollowBusinessZone(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.clock.Set(time.Date(2026, 9, 10, 8, 0, 0, 0, time.UTC))
		m := w.join(w.u1, person{})
		// 2026-11-30 17:30 UTC is already December in Shanghai.
		w.clock.Set(time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC))
		w.setStatus(m, model.MemberLeft, "leave")
		w.join(w.u2, person{})
		w.noDrift()
		ov := w.overview(w.root, "")
		got := map[string]stats.Month{}
		for _, mo := range ov.Trend {
			got[mo.Month] = mo
		}
		if ov.Trend[11].Month != "2026-12" || ov.Trend[0].Month != "2026-01" {
			t.Fatalf("trend months: %+v", ov.Trend)
		}
		if got["2026-09"].Joined != 1 || got["2026-12"].Joined != 1 || got["2026-12"].Left != 1 || got["2026-11"] != (stats.Month{Month: "2026-11"}) {
			t.Errorf("trend: %+v", ov.Trend)
		}
	})
}

// TestReconcileFindsDrift: injected drift is reported per org and month,
// and Fix makes the counters equal the recount again.
func TestReconcileFindsDrift(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.join(w.u1, person{female: true})
		w.join(w.u3, person{})
		w.move(w.apply(w.u3, true), model.AppRejected)
		w.noDrift()
		exec := func(sql string, args ...any) {
			if err := db.Exec(sql, args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE org_stats SET members_total = members_total + 5 WHERE org_id = ?", w.u1.ID)
		exec("DELETE FROM org_stats_monthly WHERE org_id = ?", w.c2.ID)
		exec("INSERT INTO org_stats (org_id, bucket, female) VALUES (?, 99, 2)", w.root.ID)
		drifts, err := w.st.Reconcile(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]stats.Drift{}
		for _, d := range drifts {
			got[w.name(d.OrgID)+" "+d.Month] = d
		}
		if len(got) != 3 {
			t.Fatalf("drifts: %+v", drifts)
		}
		if p := got["武汉市总工会 "]; p.Fields != nil {
			t.Errorf("c1 drifted: %+v", p)
		}
		checks := []struct {
			key, field       string
			counter, recount int64
		}{
			{"光谷制造工会 ", "members_total", 6, 1},
			{"宜昌市总工会 2026-11", "joined", 0, 1},
			{"宜昌市总工会 2026-11", "rejected", 0, 1},
			{"湖北省总工会 ", "female", 3, 1},
		}
		for _, c := range checks {
			if p := got[c.key].Fields[c.field]; p.Counter != c.counter || p.Recount != c.recount {
				t.Errorf("%s %s: %+v, want counter %d recount %d", c.key, c.field, p, c.counter, c.recount)
			}
		}
		if err := w.st.Fix(context.Background(), drifts); err != nil {
			t.Fatal(err)
		}
		w.noDrift()
	})
}

// TestOverviewScope: another subtree is 404, the default is the caller's
// widest org, a bad sort is 400, and by_child ranks as asked.
func TestOverviewScope(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		for range 3 {
			w.join(w.u2, person{})
		}
		w.join(w.u1, person{})
		w.apply(w.u1, true)
		w.apply(w.u1, true)
		ctx := context.Background()
		_, err := w.st.Overview(ctx, admin(w.c2), w.c1.ID, "")
		var de *service.Error
		if !errors.As(err, &de) || de.Kind != service.KindNotFound {
			t.Errorf("outside the scope: %v", err)
		}
		_, err = w.st.Overview(ctx, admin(w.c1), w.c1.ID, "newest")
		if !errors.As(err, &de) || de.Kind != service.KindMalformed {
			t.Errorf("bad sort: %v", err)
		}
		sc := admin(w.u1)
		sc.Bindings = append(sc.Bindings, access.Binding{ID: 2, OrgID: w.c1.ID, OrgPath: w.c1.Path, Role: access.UnionStaff},
			access.Binding{ID: 3, OrgID: w.root.ID, OrgPath: w.root.Path, Role: access.Verifier})
		ov, err := w.st.Overview(ctx, sc, 0, "")
		if err != nil || ov.OrgID != w.c1.ID {
			t.Fatalf("default org: %v, %+v", err, ov)
		}
		order := func(by string) []int64 {
			ov := w.overview(w.c1, by)
			var ids []int64
			for _, c := range ov.ByChild {
				ids = append(ids, c.OrgID)
			}
			return ids
		}
		// d1: 1 member of 300 workers, 2 pending; u2: 3 of 100, none pending.
		for by, first := range map[string]int64{"": w.u2.ID, stats.SortRate: w.u2.ID, stats.SortPending: w.d1.ID} {
			if ids := order(by); len(ids) != 2 || ids[0] != first {
				t.Errorf("sort %q: %v", by, ids)
			}
		}
	})
}

// TestOverviewCached: a read within the cache time sees the earlier
// numbers, a later one the new ones.
func TestOverviewCached(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.join(w.u1, person{})
		first := w.overview(w.u1, "")
		w.join(w.u1, person{})
		ov, err := w.st.Overview(context.Background(), admin(w.root), w.u1.ID, "")
		if err != nil || ov.Members.Total != first.Members.Total {
			t.Fatalf("within the cache time: %v %+v", err, ov)
		}
		if ov := w.overview(w.u1, ""); ov.Members.Total != 2 {
			t.Errorf("after it: %+v", ov.Members)
		}
	})
}

// TestFixAtScale: a fix touching more rows than one statement takes
// (every org of a province) goes through in chunks.
func TestFixAtScale(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		w.join(w.u1, person{})
		var rows []model.OrgStat
		var months []model.OrgStatMonth
		for i := range 600 {
			id := int64(1_000_000 + i)
			rows = append(rows, model.OrgStat{OrgID: id, Bucket: i % 3, MembersTotal: 7, Pending: 1})
			months = append(months, model.OrgStatMonth{OrgID: id, Month: "2026-10", Joined: 2})
		}
		if err := model.NewStatsStore(db).Add(context.Background(), rows, months); err != nil {
			t.Fatal(err)
		}
		drifts, err := w.st.Reconcile(context.Background())
		if err != nil || len(drifts) != 1200 {
			t.Fatalf("drifts: %d, %v", len(drifts), err)
		}
		if err := w.st.Fix(context.Background(), drifts); err != nil {
			t.Fatal(err)
		}
		w.noDrift()
	})
}
