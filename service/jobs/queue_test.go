package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/jobs"
)

type importPayload struct {
	File string `json:"file"`
}

func TestEnqueueFollowsTransaction(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		q := jobs.NewQueue(db, newClock().Now)
		var rolledBack, committed int64
		errRollback := errors.New("rollback")
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			var err error
			rolledBack, err = q.Enqueue(ctx, "import", 7, 9, importPayload{File: "a.xlsx"})
			if err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, err := q.Get(ctx, rolledBack); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("job of a rolled-back transaction: %v", err)
		}
		err = model.InTx(ctx, db, func(ctx context.Context) error {
			var err error
			committed, err = q.Enqueue(ctx, "import", 7, 0, importPayload{File: "b.xlsx"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		j, err := q.Get(ctx, committed)
		if err != nil {
			t.Fatal(err)
		}
		var p importPayload
		if err := j.Decode(&p); err != nil || p.File != "b.xlsx" {
			t.Fatalf("payload %+v, %v", p, err)
		}
		if j.Status != model.JobPending || j.OrgID != 7 || j.CreatedBy != 0 || j.Result != nil {
			t.Fatalf("job %+v", j)
		}
		if _, err := q.Enqueue(ctx, "a-kind-name-far-longer-than-32-bytes", 0, 0, nil); err == nil {
			t.Fatal("long kind accepted")
		}
	})
}

func TestClaimLeaseExpiryAndFencing(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		q := jobs.NewQueue(db, clk.Now)
		if j, err := q.Claim(ctx, []string{"import"}, "a", time.Minute); err != nil || j != nil {
			t.Fatalf("empty queue: %v, %v", j, err)
		}
		id, err := q.Enqueue(ctx, "import", 0, 0, importPayload{})
		if err != nil {
			t.Fatal(err)
		}
		if j, err := q.Claim(ctx, []string{"export"}, "a", time.Minute); err != nil || j != nil {
			t.Fatalf("other kind claimed: %v, %v", j, err)
		}
		j, err := q.Claim(ctx, []string{"export", "import"}, "a", time.Minute)
		if err != nil || j == nil || j.ID != id || j.Status != model.JobRunning || j.LeaseOwner != "a" || j.Attempts != 1 {
			t.Fatalf("claim: %+v, %v", j, err)
		}
		steps := []struct {
			name string
			do   func() error
			want error
		}{
			{"heartbeat at the same instant", func() error { return q.Heartbeat(ctx, id, "a", time.Minute) }, nil},
			{"same progress twice", func() error { return q.SetProgress(ctx, id, "a", map[string]int{"done": 1}) }, nil},
			{"same progress again", func() error { return q.SetProgress(ctx, id, "a", map[string]int{"done": 1}) }, nil},
			{"another owner's heartbeat", func() error { return q.Heartbeat(ctx, id, "b", time.Minute) }, jobs.ErrLeaseLost},
		}
		for _, s := range steps {
			if err := s.do(); !errors.Is(err, s.want) {
				t.Fatalf("%s: %v, want %v", s.name, err, s.want)
			}
		}
		clk.Advance(30 * time.Second)
		if j, _ := q.Claim(ctx, []string{"import"}, "b", time.Minute); j != nil {
			t.Fatal("claimed while the lease lasts")
		}
		clk.Advance(31 * time.Second)
		j, err = q.Claim(ctx, []string{"import"}, "b", time.Minute)
		if err != nil || j == nil || j.LeaseOwner != "b" || j.Attempts != 2 || string(j.Result) != `{"done":1}` {
			t.Fatalf("take-over: %+v, %v", j, err)
		}
		if err := q.Heartbeat(ctx, id, "a", time.Minute); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("old owner's heartbeat: %v", err)
		}
		if err := q.Finish(ctx, id, "a", "late", false); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("old owner's finish: %v", err)
		}
		if err := q.Finish(ctx, id, "b", map[string]int{"imported": 3}, false); err != nil {
			t.Fatal(err)
		}
		j, err = q.Get(ctx, id)
		if err != nil || j.Status != model.JobDone || string(j.Result) != `{"imported":3}` || j.FinishedAt == nil || j.LeaseOwner != "" {
			t.Fatalf("finished: %+v, %v", j, err)
		}
		if err := q.Finish(ctx, id, "b", nil, true); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("second finish: %v", err)
		}
	})
}

func TestClaimGivesUpAfterMaxAttempts(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		q := jobs.NewQueue(db, clk.Now)
		id, err := q.Enqueue(ctx, "export", 0, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range jobs.MaxAttempts {
			j, err := q.Claim(ctx, []string{"export"}, fmt.Sprintf("node-%d", i), time.Minute)
			if err != nil || j == nil || j.Attempts != i+1 {
				t.Fatalf("claim %d: %+v, %v", i+1, j, err)
			}
			clk.Advance(time.Minute + time.Second) // the node dies
		}
		if j, err := q.Claim(ctx, []string{"export"}, "last", time.Minute); err != nil || j != nil {
			t.Fatalf("claimed after %d attempts: %+v, %v", jobs.MaxAttempts, j, err)
		}
		j, err := q.Get(ctx, id)
		if err != nil || j.Status != model.JobFailed || j.FinishedAt == nil || len(j.Result) == 0 {
			t.Fatalf("abandoned job: %+v, %v", j, err)
		}
	})
}

func TestTwoNodesRunEachJobOnce(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, dbA, dbB *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		const n = 40
		ids := map[int64]bool{}
		qa := jobs.NewQueue(dbA, clk.Now)
		for i := range n {
			id, err := qa.Enqueue(ctx, "export", 0, 0, i)
			if err != nil {
				t.Fatal(err)
			}
			ids[id] = true
		}
		var mu sync.Mutex
		runs := map[int64]int{}
		handler := func(_ context.Context, j *jobs.Job) (any, error) {
			mu.Lock()
			runs[j.ID]++
			mu.Unlock()
			return map[string]int64{"id": j.ID}, nil
		}
		var wg sync.WaitGroup
		for i, db := range []*gorm.DB{dbA, dbB, dbA, dbB} {
			w := jobs.NewWorker(jobs.NewQueue(db, clk.Now), jobs.WorkerConfig{Owner: fmt.Sprintf("w%d", i)})
			w.Register("export", handler)
			wg.Go(func() {
				for {
					ran, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if !ran {
						return
					}
				}
			})
		}
		wg.Wait()
		if len(runs) != n {
			t.Fatalf("%d jobs ran, want %d", len(runs), n)
		}
		for id, c := range runs {
			if !ids[id] || c != 1 {
				t.Fatalf("job %d ran %d times", id, c)
			}
			j, err := qa.Get(ctx, id)
			if err != nil || j.Status != model.JobDone {
				t.Fatalf("job %d: %+v, %v", id, j, err)
			}
		}
	})
}
