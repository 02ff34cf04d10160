package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/service/cache"
)

// RunnerConfig tunes a Runner; the zero value is production's.
type RunnerConfig struct {
	// Owner names this node in the leases; default NewOwner().
	Owner string
	// Now is the clock the leases use; default time.Now.
	Now func() time.Time
	// Tick makes the tickers; default time.NewTicker.
	Tick TickFunc
	// Log gets the tasks' errors; default slog.Default().
	Log *slog.Logger
}

// Runner runs periodic tasks, each on one node of the cluster at a time:
// on every tick a node tries the task's lease (as long as the interval)
// and runs the task only when it holds it, so across the cluster a task
// runs about once per interval, and never on two nodes at once as long as
// it ends within its interval (its context is cancelled then).
type Runner struct {
	leases *Leases
	owner  string
	tick   TickFunc
	log    *slog.Logger

	mu      sync.Mutex
	tasks   []task
	started bool
}

type task struct {
	name     string
	interval time.Duration
	fn       func(ctx context.Context) error
}

// NewRunner returns a Runner keeping its leases in db.
func NewRunner(db *gorm.DB, cfg RunnerConfig) *Runner {
	if cfg.Owner == "" {
		cfg.Owner = NewOwner()
	}
	if cfg.Tick == nil {
		cfg.Tick = realTick
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Runner{leases: NewLeases(db, cfg.Now), owner: cfg.Owner, tick: cfg.Tick, log: cfg.Log}
}

// Owner returns the name this Runner holds leases under.
func (r *Runner) Owner() string { return r.owner }

// Every registers fn to run every interval under the lease name (at most 64
// bytes, unique in the cluster). Register every task before Run: Every
// panics after it, and on a bad name or interval.
func (r *Runner) Every(name string, interval time.Duration, fn func(ctx context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic("jobs: Runner.Every after Run")
	}
	if name == "" || len(name) > 64 || interval <= 0 || fn == nil {
		panic(fmt.Sprintf("jobs: bad periodic task %q every %v", name, interval))
	}
	for _, t := range r.tasks {
		if t.name == name {
			panic(fmt.Sprintf("jobs: periodic task %q registered twice", name))
		}
	}
	r.tasks = append(r.tasks, task{name: name, interval: interval, fn: fn})
}

// Run tries every task at once and then on every tick of its interval,
// until ctx ends; it returns when every task has stopped.
func (r *Runner) Run(ctx context.Context) {
	r.mu.Lock()
	r.started = true
	tasks := r.tasks
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Go(func() {
			ticks, stop := r.tick(t.interval)
			defer stop()
			for {
				r.runTask(ctx, t)
				select {
				case <-ctx.Done():
					return
				case <-ticks:
				}
			}
		})
	}
	wg.Wait()
}

// RunOnce tries every task once, in order, and returns how many ran (those
// whose lease this node got).
func (r *Runner) RunOnce(ctx context.Context) int {
	r.mu.Lock()
	tasks := r.tasks
	r.mu.Unlock()
	n := 0
	for _, t := range tasks {
		if r.runTask(ctx, t) {
			n++
		}
	}
	return n
}

// runTask runs t if this node gets its lease and reports whether it ran.
// Errors and panics of the task are logged, never passed on. A run that
// shutdown (ctx ending) cuts short gives its lease back.
func (r *Runner) runTask(ctx context.Context, t task) (ran bool) {
	if ctx.Err() != nil {
		return false
	}
	ok, err := r.leases.TryLease(ctx, t.name, r.owner, t.interval)
	if err != nil {
		if ctx.Err() == nil {
			r.log.WarnContext(ctx, "periodic task: lease failed", "task", t.name, "err", err)
		}
		return false
	}
	if !ok {
		return false
	}
	ran = true
	tctx, cancel := context.WithTimeout(ctx, t.interval)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			r.log.ErrorContext(ctx, "periodic task panicked", "task", t.name, "panic", fmt.Sprint(p))
		}
	}()
	tctx = cache.WithDebt(tctx) // as a job's (worker.go)
	defer cache.Pay(tctx)
	err = t.fn(tctx)
	if ctx.Err() != nil {
		// Shutdown cut the run short: its lease no longer says the task
		// ran this interval, so hand it to the next node that tries (a
		// rolling update would otherwise hold a task back for up to two
		// intervals).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := r.leases.Release(rctx, t.name, r.owner); rerr != nil {
			r.log.WarnContext(ctx, "periodic task: lease not released at shutdown", "task", t.name, "err", rerr)
		}
	}
	if err != nil && ctx.Err() == nil {
		r.log.ErrorContext(ctx, "periodic task failed", "task", t.name, "err", err)
	}
	return ran
}
