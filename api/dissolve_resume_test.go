package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/org"
)

// TestDissolveResumesAfterNodeDies: node A moves one batch of a dissolution
// and dies (its context ends after the batch commits; it never finishes
// the job). While A's lease holds nobody else takes the job; once the
// clock passes it, node B claims it. A, still alive after all, tries a
// batch with its old claim and is refused (nothing moves); B goes on from
// A's committed progress and finishes. Every member moved exactly once.
func TestDissolveResumesAfterNodeDies(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		seq := 0
		linked := tr.member(tr.u1)
		e.rollMembers(tr.u1, 250, &seq)
		v := e.dissolving(t, tr.rootAdmin, tr.u1, tr.u2)
		jobID := mustID(t, v.Dissolution.JobID)
		const lease, batch = time.Minute, 100

		ctxA, die := context.WithCancel(context.Background())
		defer die()
		a := e.dissolveNode("node-a", lease, batch, func(context.Context, org.DissolveProgress) { die() })
		if ran, err := a.worker.RunOnce(ctxA); !ran || err != nil {
			t.Fatalf("node A: ran %v, %v", ran, err)
		}
		mid := e.orgView(t, tr.rootAdmin, tr.u1)
		if d := mid.Dissolution; mid.Status != "dissolving" || d == nil || d.Status != "running" || d.Moved != batch ||
			d.Remaining != 251-batch || d.Total != 251 {
			t.Fatalf("after node A died: %+v %+v", mid, mid.Dissolution)
		}
		stale, err := a.queue.Get(context.Background(), jobID)
		if err != nil || stale.LeaseOwner != "node-a" {
			t.Fatalf("A's claim: %v %+v", err, stale)
		}

		b := e.dissolveNode("node-b", lease, batch, nil)
		if ran, err := b.worker.RunOnce(context.Background()); ran || err != nil {
			t.Fatalf("node B took a job under A's live lease: %v %v", ran, err)
		}
		e.clock.Advance(lease + time.Second)
		claimed, err := b.queue.Claim(context.Background(), []string{org.JobDissolve}, "node-b", lease)
		if err != nil || claimed == nil || claimed.ID != jobID || claimed.Attempts != 2 {
			t.Fatalf("node B's claim: %v %+v", err, claimed)
		}

		if _, err := a.dissolver.Handle(context.Background(), stale); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("node A with its old claim: %v, want the lease lost", err)
		}
		if n := e.onRoll(tr.u1); n != 251-batch {
			t.Fatalf("node A moved members without the lease: %d left", n)
		}

		result, err := b.dissolver.Handle(context.Background(), claimed)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.queue.Finish(context.Background(), jobID, "node-b", result, false); err != nil {
			t.Fatal(err)
		}
		if p, ok := result.(org.DissolveProgress); !ok || p.Moved != 251 {
			t.Errorf("result: %+v", result)
		}
		if got := e.orgView(t, tr.rootAdmin, tr.u1); got.Status != "dissolved" || got.Dissolution != nil {
			t.Errorf("after node B: %+v", got)
		}
		e.movedOnce(t, tr.u1, tr.u2, 251)
		var notes notificationPage
		e.do("GET", "/api/v1/me/notifications", nil, linked.Access).expect(t, 200, 0).decode(t, &notes)
		told := 0
		for _, it := range notes.Items {
			if it.Kind == "record_changed" {
				told++
			}
		}
		if told != 1 {
			t.Errorf("the linked member was told %d times", told)
		}
		var moves int64
		e.db.Model(&model.AuditLog{}).Where("action = ? AND target = ?", "org.dissolve_move", "org:"+tr.u1).Count(&moves)
		if moves != 3 {
			t.Errorf("%d batches audited, want 3", moves)
		}
	})
}

// TestDissolveTenThousand dissolves a union of 10 000 members into
// another, with the node killed after 2 000 and another resuming: nobody
// lost or moved twice, the counters equal a recount. It logs how long the
// moving took (skipped with -short).
func TestDissolveTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10 000 members: not with -short")
	}
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		seq := 0
		e.rollMembers(tr.u1, 10_000, &seq)
		e.dissolving(t, tr.rootAdmin, tr.u1, tr.u3)
		const lease, batch = time.Minute, 200
		ctxA, die := context.WithCancel(context.Background())
		defer die()
		a := e.dissolveNode("node-a", lease, batch, func(_ context.Context, p org.DissolveProgress) {
			if p.Moved >= 2_000 {
				die()
			}
		})
		start := time.Now()
		if ran, err := a.worker.RunOnce(ctxA); !ran || err != nil {
			t.Fatalf("node A: ran %v, %v", ran, err)
		}
		if n := e.onRoll(tr.u1); n != 8_000 {
			t.Fatalf("node A died with %d left, want 8000", n)
		}
		e.clock.Advance(lease + time.Second)
		b := e.dissolveNode("node-b", lease, batch, nil)
		if ran, err := b.worker.RunOnce(context.Background()); !ran || err != nil {
			t.Fatalf("node B: ran %v, %v", ran, err)
		}
		t.Logf("10 000 members moved in %v (batches of %d)", time.Since(start).Round(time.Millisecond), batch)
		if got := e.orgView(t, tr.rootAdmin, tr.u1); got.Status != "dissolved" {
			t.Errorf("after node B: %+v", got)
		}
		e.movedOnce(t, tr.u1, tr.u3, 10_000)
	})
}
