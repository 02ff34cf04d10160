package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/jobs"
)

func TestWorkerOutcomes(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		q := jobs.NewQueue(db, newClock().Now)
		w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: "w"})
		w.Register("ok", func(context.Context, *jobs.Job) (any, error) { return map[string]int{"rows": 2}, nil })
		w.Register("error", func(context.Context, *jobs.Job) (any, error) { return nil, errors.New("bad sheet") })
		w.Register("error-with-result", func(context.Context, *jobs.Job) (any, error) {
			return map[string]int{"failed": 1}, errors.New("bad rows")
		})
		w.Register("panic", func(context.Context, *jobs.Job) (any, error) { panic("oops") })
		cases := []struct {
			kind, status, result string
		}{
			{"ok", model.JobDone, `{"rows":2}`},
			{"error", model.JobFailed, `{"error":"bad sheet"}`},
			{"error-with-result", model.JobFailed, `{"failed":1}`},
			{"panic", model.JobFailed, `{"error":"job handler panicked: oops"}`},
		}
		for _, c := range cases {
			t.Run(c.kind, func(t *testing.T) {
				id, err := q.Enqueue(ctx, c.kind, 0, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				if ran, err := w.RunOnce(ctx); !ran || err != nil {
					t.Fatalf("RunOnce: %v, %v", ran, err)
				}
				j, err := q.Get(ctx, id)
				if err != nil || j.Status != c.status || string(j.Result) != c.result {
					t.Fatalf("job %+v (result %s), %v", j, j.Result, err)
				}
			})
		}
		if ran, err := w.RunOnce(ctx); ran || err != nil {
			t.Fatalf("RunOnce on an empty queue: %v, %v", ran, err)
		}
	})
}

func TestWorkerStopsWhenLeaseLost(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		q := jobs.NewQueue(db, clk.Now)
		tick := newManualTick()
		w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: "slow", Lease: time.Minute, Tick: tick.tick})
		started := make(chan struct{})
		w.Register("import", func(ctx context.Context, _ *jobs.Job) (any, error) {
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		})
		id, err := q.Enqueue(ctx, "import", 0, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		type result struct {
			ran bool
			err error
		}
		done := make(chan result, 1)
		go func() {
			ran, err := w.RunOnce(ctx)
			done <- result{ran, err}
		}()
		<-started
		clk.Advance(time.Minute + time.Second) // the heartbeat came too late
		if j, err := q.Claim(ctx, []string{"import"}, "fast", time.Minute); err != nil || j == nil {
			t.Fatalf("take-over: %v, %v", j, err)
		}
		tick.ch <- clk.Now() // the slow node's heartbeat finds the lease gone
		if r := <-done; !r.ran || r.err != nil {
			t.Fatalf("RunOnce: %+v", r)
		}
		j, err := q.Get(ctx, id)
		if err != nil || j.Status != model.JobRunning || j.LeaseOwner != "fast" {
			t.Fatalf("job after the lost lease: %+v, %v", j, err)
		}
	})
}

func TestWorkerRunWakesAndStops(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		q := jobs.NewQueue(db, newClock().Now)
		tick := newManualTick()
		w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: "w", Tick: tick.tick})
		ran := make(chan int64, 4)
		w.Register("export", func(_ context.Context, j *jobs.Job) (any, error) {
			ran <- j.ID
			return nil, nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx, time.Hour); close(done) }()
		first, err := q.Enqueue(ctx, "export", 0, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.Wake()
		if got := <-ran; got != first {
			t.Fatalf("ran %d, want %d", got, first)
		}
		second, err := q.Enqueue(ctx, "export", 0, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		tick.ch <- time.Now() // a poll
		if got := <-ran; got != second {
			t.Fatalf("ran %d, want %d", got, second)
		}
		cancel()
		<-done
	})
}
