package stats_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/stats"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// world is a small province whose members, applications and orgs change
// the way the services change them: each change and its counter update in
// one transaction, with the history events the recount reads.
//
//	root ─┬─ c1 ─┬─ d1 ── u1 (300 workers)
//	      │      └─ u2 (100 workers)
//	      └─ c2 ── u3 (0 workers)
type world struct {
	t                *testing.T
	db               *gorm.DB
	st               *stats.Service
	clock            *clock
	cache            cache.Cache
	orgs             map[string]*model.Org
	root, c1, c2, d1 *model.Org
	u1, u2, u3       *model.Org
	n                atomic.Int64
	members          *model.MemberStore
}

func newWorld(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	c := cache.NewMemory(clk.Now)
	t.Cleanup(func() { _ = c.Close() })
	w := &world{t: t, db: db, clock: clk, cache: c, orgs: map[string]*model.Org{}, members: model.NewMemberStore(db),
		st: stats.New(service.Env{Now: clk.Now, Location: shanghai}, stats.Deps{DB: db, Cache: c})}
	w.root = w.org(nil, "湖北省总工会", model.OrgFederation, 0)
	w.c1 = w.org(w.root, "武汉市总工会", model.OrgFederation, 0)
	w.c2 = w.org(w.root, "宜昌市总工会", model.OrgFederation, 0)
	w.d1 = w.org(w.c1, "洪山区总工会", model.OrgFederation, 0)
	w.u1 = w.org(w.d1, "光谷制造工会", model.OrgGrassroots, 300)
	w.u2 = w.org(w.c1, "长江物流工会", model.OrgGrassroots, 100)
	w.u3 = w.org(w.c2, "三峡建材工会", model.OrgGrassroots, 0)
	return w
}

func (w *world) ctx() context.Context { return context.Background() }

// org creates an org and counts it, as service/org does.
func (w *world) org(parent *model.Org, name, typ string, workers int) *model.Org {
	w.t.Helper()
	id := model.NewID()
	o := &model.Org{ID: id, Path: model.RootPath(id), Type: typ, Name: name, RegionCode: "420000",
		WorkerCount: workers, Status: model.OrgActive, Version: 1, CreatedAt: w.clock.Now(), UpdatedAt: w.clock.Now()}
	if parent != nil {
		o.ParentID, o.Path, o.Depth = &parent.ID, parent.ChildPath(id), parent.Depth+1
	}
	w.tx(func(ctx context.Context) error {
		if err := model.NewOrgStore(w.db).Create(ctx, o); err != nil {
			return err
		}
		return w.st.OrgChanged(ctx, nil, o)
	})
	w.orgs[name] = o
	return o
}

// editOrg changes an org's fields and counts the change.
func (w *world) editOrg(o *model.Org, edit func(next *model.Org)) {
	w.t.Helper()
	next := *o
	edit(&next)
	w.tx(func(ctx context.Context) error {
		err := model.NewOrgStore(w.db).Update(ctx, o.ID, o.Version, map[string]any{"type": next.Type,
			"status": next.Status, "worker_count": next.WorkerCount})
		if err != nil {
			return err
		}
		return w.st.OrgChanged(ctx, o, &next)
	})
	next.Version++
	*o = next
}

func (w *world) tx(fn func(ctx context.Context) error) {
	w.t.Helper()
	if err := model.InTx(w.ctx(), w.db, fn); err != nil {
		w.t.Fatal(err)
	}
}

// person is who joins: the fields the counters look at.
type person struct {
	female, migrant, dispatched, floating bool
	status                                string
}

// join puts a new member on the roll of o (an import, or an approval's
// member without its application).
func (w *world) join(o *model.Org, p person) *model.Member {
	w.t.Helper()
	var m *model.Member
	w.tx(func(ctx context.Context) error {
		var err error
		if m, err = w.newMember(ctx, o, p); err != nil {
			return err
		}
		return w.st.MemberChanged(ctx, nil, m)
	})
	return m
}

// newMember writes a member record and its join event, uncounted.
func (w *world) newMember(ctx context.Context, o *model.Org, p person) (*model.Member, error) {
	n := w.n.Add(1)
	gender, work := "male", "stable"
	if p.female {
		gender = "female"
	}
	if p.floating {
		work = "floating"
	}
	status := p.status
	if status == "" {
		status = model.MemberActive
	}
	idx := fmt.Sprintf("idx-%d-%d", n, model.NewID())
	birth := "1990-01-01"
	now := w.clock.Now().UTC()
	m := &model.Member{ID: model.NewID(), MemberNo: fmt.Sprintf("42%012d", n), OrgID: o.ID, Status: status,
		Person:      model.Person{Name: "张三", IDType: "resident_id", Gender: &gender, BirthDate: &birth},
		IDNumberEnc: "enc", IDNumberIdx: idx, RollKey: &idx,
		Employment: model.Employment{WorkType: &work, IsMigrantWorker: p.migrant, IsDispatched: p.dispatched},
		JoinedOn:   now.Format("2006-01-02"), CardVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := w.members.Create(ctx, m); err != nil {
		return nil, err
	}
	return m, w.event(ctx, m.ID, "join", nil, &o.ID)
}

// setStatus moves m to status, as the membership service does.
func (w *world) setStatus(m *model.Member, status, event string) {
	w.t.Helper()
	w.tx(func(ctx context.Context) error { return w.setStatusTx(ctx, m, status, event) })
}

func (w *world) setStatusTx(ctx context.Context, m *model.Member, status, event string) error {
	before := *m
	after := *m
	after.Status = status
	fields := map[string]any{"status": status}
	onRoll := status == model.MemberActive || status == model.MemberRetained || status == model.MemberSuspended
	if !onRoll {
		fields["roll_key"] = nil
		after.RollKey = nil
	}
	if err := w.members.Update(ctx, m.ID, m.Version, fields); err != nil {
		return err
	}
	after.Version++
	var next *model.Member
	if onRoll {
		next = &after
	}
	if err := w.st.MemberChanged(ctx, &before, next); err != nil {
		return err
	}
	*m = after
	return w.event(ctx, m.ID, event, &before.OrgID, nil)
}

// transfer moves m to union to, as the membership service does: one
// counter change, then the 转出 and 转入 events.
func (w *world) transferTx(ctx context.Context, m *model.Member, to *model.Org) error {
	before := *m
	if err := w.members.Update(ctx, m.ID, m.Version, map[string]any{"org_id": to.ID}); err != nil {
		return err
	}
	after := *m
	after.OrgID, after.Version = to.ID, m.Version+1
	if err := w.st.MemberChanged(ctx, &before, &after); err != nil {
		return err
	}
	if err := w.event(ctx, m.ID, "transfer_out", &before.OrgID, &to.ID); err != nil {
		return err
	}
	if err := w.st.MemberChanged(ctx, nil, nil); err != nil { // the 转入 event's call: nothing
		return err
	}
	*m = after
	return w.event(ctx, m.ID, "transfer_in", &before.OrgID, &to.ID)
}

func (w *world) event(ctx context.Context, memberID int64, typ string, from, to *int64) error {
	return w.members.AddEvent(ctx, &model.MembershipEvent{ID: model.NewID(), MemberID: memberID, Type: typ,
		FromOrgID: from, ToOrgID: to, CreatedAt: w.clock.Now().UTC()})
}

// apply creates an application to o in status draft or submitted.
func (w *world) apply(o *model.Org, submit bool) *model.Application {
	w.t.Helper()
	now := w.clock.Now().UTC()
	uid := model.NewID()
	a := &model.Application{ID: model.NewID(), UserID: uid, OrgID: o.ID, Status: model.AppDraft, Version: 1,
		OpenKey: &uid, Person: model.Person{Name: "李四", IDType: "resident_id"}, CreatedAt: now, UpdatedAt: now}
	if submit {
		a.Status, a.SubmittedAt = model.AppSubmitted, &now
	}
	w.tx(func(ctx context.Context) error {
		if err := model.NewApplicationStore(w.db).Create(ctx, a); err != nil {
			return err
		}
		if submit {
			return w.st.ApplicationMoved(ctx, a, nil, "", model.AppSubmitted, nil)
		}
		return nil
	})
	return a
}

// move changes an application's status as the application service does,
// in one transaction; an approval puts a member on the roll with it.
func (w *world) move(a *model.Application, to string) *model.Member {
	w.t.Helper()
	now := w.clock.Now().UTC()
	fields := map[string]any{"status": to, "updated_at": now}
	switch to {
	case model.AppApproved, model.AppRejected, model.AppReturned:
		fields["reviewed_at"] = now
	case model.AppSubmitted:
		fields["submitted_at"] = now
	}
	var joined *model.Member
	w.tx(func(ctx context.Context) error {
		if err := model.NewApplicationStore(w.db).Transition(ctx, a.ID, a.Version, []string{a.Status}, fields); err != nil {
			return err
		}
		if to == model.AppApproved {
			var err error
			if joined, err = w.newMember(ctx, w.orgByID(a.OrgID), person{}); err != nil {
				return err
			}
		}
		return w.st.ApplicationMoved(ctx, a, nil, a.Status, to, joined)
	})
	a.Status, a.Version = to, a.Version+1
	return joined
}

func (w *world) orgByID(id int64) *model.Org {
	for _, o := range w.orgs {
		if o.ID == id {
			return o
		}
	}
	w.t.Fatalf("no org %d", id)
	return nil
}

// noDrift fails when the counters differ from a fresh recount.
func (w *world) noDrift() {
	w.t.Helper()
	drifts, err := w.st.Reconcile(w.ctx())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, d := range drifts {
		w.t.Errorf("drift at %s %q: %v", w.name(d.OrgID), d.Month, d.Fields)
	}
}

func (w *world) name(id int64) string {
	for n, o := range w.orgs {
		if o.ID == id {
			return n
		}
	}
	return fmt.Sprint(id)
}

// admin is a federation admin's scope at o.
func admin(o *model.Org) access.Scope {
	return access.Scope{UserID: 1, Bindings: []access.Binding{{ID: 1, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name,
		OrgType: o.Type, Role: access.FederationAdmin}}}
}

// overview reads o's overview past the cache.
func (w *world) overview(o *model.Org, sortBy string) *stats.Overview {
	w.t.Helper()
	w.clock.Set(w.clock.Now().Add(time.Minute)) // past the cache's 30 s
	ov, err := w.st.Overview(w.ctx(), admin(w.root), o.ID, sortBy)
	if err != nil {
		w.t.Fatal(err)
	}
	return ov
}
