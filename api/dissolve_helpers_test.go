package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/org"
)

// dissolutionView is the dissolution part of an org reply.
type dissolutionView struct {
	JobID        string `json:"job_id"`
	Status       string `json:"status"`
	ToOrgID      string `json:"to_org_id"`
	Total        int64  `json:"total"`
	Moved        int64  `json:"moved"`
	Remaining    int64  `json:"remaining"`
	Applications int64  `json:"applications_rejected"`
	Transfers    int64  `json:"transfers_rejected"`
}

// dissolvingOrgView is an org reply with its dissolution.
type dissolvingOrgView struct {
	ID          string           `json:"id"`
	Status      string           `json:"status"`
	Version     int              `json:"version"`
	Dissolution *dissolutionView `json:"dissolution"`
}

// rollMembers puts n members without a WeChat user straight on org's roll
// (as an import would, without the sheet) with their counters, and returns
// their ids. Every third is female, every fourth retained, every fifth
// suspended, so the counters moved are not all alike.
func (e *testEnv) rollMembers(org string, n int, seq *int) []int64 {
	e.t.Helper()
	ctx := context.Background()
	o, err := model.NewOrgStore(e.db).Get(ctx, mustID(e.t, org))
	if err != nil {
		e.t.Fatal(err)
	}
	female, male, floating, birth := "female", "male", "floating", "1985-05-05"
	ms := make([]model.Member, n)
	ptrs := make([]*model.Member, n)
	ids := make([]int64, n)
	now := e.clock.Now().UTC()
	for i := range ms {
		*seq++
		id := model.NewID()
		key := fmt.Sprintf("bulk-%d-%d", o.ID, *seq)
		m := model.Member{ID: id, MemberNo: fmt.Sprintf("%s9%07d", o.RegionCode, *seq), OrgID: o.ID,
			Status: model.MemberActive, IDNumberEnc: "sealed", IDNumberIdx: key, RollKey: &key,
			JoinedOn: "2026-01-05", CardVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
		m.Name, m.IDType, m.Gender, m.BirthDate = fmt.Sprintf("会员%d", *seq), "resident_id", &male, &birth
		if i%3 == 0 {
			m.Gender = &female
		}
		if i%4 == 0 {
			m.Status = model.MemberRetained
		} else if i%5 == 0 {
			m.Status = model.MemberSuspended
		}
		m.IsMigrantWorker = i%2 == 0
		if i%7 == 0 {
			m.WorkType = &floating
		}
		ms[i], ids[i] = m, id
	}
	err = model.InTx(ctx, e.db, func(ctx context.Context) error {
		store := model.NewMemberStore(e.db)
		if err := store.CreateMany(ctx, ms); err != nil {
			return err
		}
		evs := make([]model.MembershipEvent, n)
		for i := range ms {
			ptrs[i] = &ms[i]
			evs[i] = model.MembershipEvent{ID: model.NewID(), MemberID: ms[i].ID, Type: "join", ToOrgID: &o.ID, CreatedAt: now}
		}
		if err := store.AddEvents(ctx, evs); err != nil {
			return err
		}
		return e.stats.MembersJoined(ctx, ptrs)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// eventCounts counts the membership events of type typ from one union to
// another, and the distinct members they name.
func (e *testEnv) eventCounts(typ, from, to string) (events, members int64) {
	e.t.Helper()
	db := e.db.Model(&model.MembershipEvent{}).Where("type = ? AND from_org_id = ? AND to_org_id = ?", typ, mustID(e.t, from), mustID(e.t, to))
	if err := db.Count(&events).Error; err != nil {
		e.t.Fatal(err)
	}
	db = e.db.Model(&model.MembershipEvent{}).Where("type = ? AND from_org_id = ? AND to_org_id = ?", typ, mustID(e.t, from), mustID(e.t, to))
	if err := db.Distinct("member_id").Count(&members).Error; err != nil {
		e.t.Fatal(err)
	}
	return events, members
}

// onRoll counts org's members on the roll, from the roll itself.
func (e *testEnv) onRoll(org string) int64 {
	e.t.Helper()
	n, err := model.NewMemberStore(e.db).CountOnRoll(context.Background(), mustID(e.t, org))
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// dissolveNode is one node's dissolution machinery in tests that run
// several: a Dissolver moving batch members per transaction (afterBatch,
// when set, runs after each committed step) and a Worker named owner that
// holds a job for lease and never heartbeats by itself (its ticker never
// fires), so only the test clock ends a lease.
type dissolveNode struct {
	dissolver *membership.Dissolver
	worker    *jobs.Worker
	queue     *jobs.Queue
	owner     string
}

func (e *testEnv) dissolveNode(owner string, lease time.Duration, batch int, afterBatch func(context.Context, org.DissolveProgress)) dissolveNode {
	q := jobs.NewQueue(e.db, e.clock.Now)
	d := membership.NewDissolver(membership.DissolverDeps{Members: e.members, Queue: q, Orgs: e.orgs, Apps: e.apps, Stats: e.stats},
		membership.DissolverConfig{BatchSize: batch, AfterBatch: afterBatch})
	never := func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }
	w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: owner, Lease: lease, Tick: never})
	w.Register(org.JobDissolve, d.Handle)
	return dissolveNode{dissolver: d, worker: w, queue: q, owner: owner}
}

// dissolving PATCHes org dissolved into members_to and returns the reply.
func (e *testEnv) dissolving(t *testing.T, by session, orgID, to string) dissolvingOrgView {
	t.Helper()
	var v dissolvingOrgView
	e.do("PATCH", "/api/v1/admin/orgs/"+orgID, map[string]any{"status": "dissolved", "members_to": to}, by.Access).
		expect(t, 202, 0).decode(t, &v)
	return v
}

// orgView reads org as by sees it.
func (e *testEnv) orgView(t *testing.T, by session, orgID string) dissolvingOrgView {
	t.Helper()
	var v dissolvingOrgView
	e.do("GET", "/api/v1/admin/orgs/"+orgID, nil, by.Access).expect(t, 200, 0).decode(t, &v)
	return v
}

// movedOnce fails unless n members moved from one union to another, each
// with exactly one 转出 and one 转入 event, and the counters equal a recount.
func (e *testEnv) movedOnce(t *testing.T, from, to string, n int64) {
	t.Helper()
	for _, typ := range []string{"transfer_out", "transfer_in"} {
		if evs, ms := e.eventCounts(typ, from, to); evs != n || ms != n {
			t.Errorf("%s events: %d for %d members, want %d for %d", typ, evs, ms, n, n)
		}
	}
	if left := e.onRoll(from); left != 0 {
		t.Errorf("%d members left on the dissolved union's roll", left)
	}
	e.noDrift(t)
}
