package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// Handler runs one job. Its result (marshalled to JSON) is stored with the
// job; an error fails the job, with {"error": message} as the result when
// the handler gives none. The context ends when the node shuts down or
// loses the job's lease: the handler should then return soon.
type Handler func(ctx context.Context, j *Job) (result any, err error)

// WorkerConfig tunes a Worker; the zero value is production's.
type WorkerConfig struct {
	// Owner names this node in the jobs' leases; default NewOwner().
	Owner string
	// Lease is how long a claim holds without a heartbeat; the Worker
	// heartbeats every third of it. Default two minutes.
	Lease time.Duration
	// Tick makes the heartbeat and poll tickers; default time.NewTicker.
	Tick TickFunc
	// Log gets failures; default slog.Default().
	Log *slog.Logger
}

// Worker claims jobs of the kinds it has handlers for and runs them, one
// at a time; run several for more at once.
type Worker struct {
	q    *Queue
	cfg  WorkerConfig
	wake chan struct{}

	mu       sync.Mutex
	handlers map[string]Handler
}

// NewWorker returns a Worker taking jobs from q.
func NewWorker(q *Queue, cfg WorkerConfig) *Worker {
	if cfg.Owner == "" {
		cfg.Owner = NewOwner()
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Tick == nil {
		cfg.Tick = realTick
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Worker{q: q, cfg: cfg, wake: make(chan struct{}, 1), handlers: map[string]Handler{}}
}

// Register makes the Worker run jobs of kind with h; a second handler for
// a kind replaces the first.
func (w *Worker) Register(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// Wake makes a running Run look for jobs now instead of at its next poll
// (best effort: other nodes find the job by polling).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims one job and runs it; it reports whether there was one.
// The error is the queue's, not the handler's (which fails the job).
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	w.mu.Lock()
	kinds := make([]string, 0, len(w.handlers))
	for k := range w.handlers {
		kinds = append(kinds, k)
	}
	w.mu.Unlock()
	sort.Strings(kinds)
	j, err := w.q.Claim(ctx, kinds, w.cfg.Owner, w.cfg.Lease)
	if err != nil || j == nil {
		return false, err
	}
	w.mu.Lock()
	h := w.handlers[j.Kind]
	w.mu.Unlock()

	result, lostLease, herr := w.runWithHeartbeat(ctx, h, j)
	switch {
	case lostLease:
		w.cfg.Log.WarnContext(ctx, "job lease lost: another node runs it", "job_id", j.ID, "kind", j.Kind)
		return true, nil
	case herr != nil && ctx.Err() != nil:
		// Shutting down: leave the lease to run out so that a node claims
		// the job again.
		w.cfg.Log.InfoContext(ctx, "job interrupted by shutdown", "job_id", j.ID, "kind", j.Kind)
		return true, nil
	case herr != nil:
		w.cfg.Log.ErrorContext(ctx, "job failed", "job_id", j.ID, "kind", j.Kind, "err", herr)
		if result == nil {
			result = map[string]string{"error": herr.Error()}
		}
	}
	// The outcome is recorded even when shutdown began meanwhile.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.q.Finish(fctx, j.ID, w.cfg.Owner, result, herr != nil); err != nil {
		return true, fmt.Errorf("finish job %d: %w", j.ID, err)
	}
	return true, nil
}

// runWithHeartbeat runs h on j while extending the lease; the handler's
// context ends when the lease is lost.
func (w *Worker) runWithHeartbeat(ctx context.Context, h Handler, j *Job) (result any, lostLease bool, err error) {
	hctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		ticks, stop := w.cfg.Tick(w.cfg.Lease / 3)
		defer stop()
		for {
			select {
			case <-done:
				return
			case <-ticks:
			}
			err := w.q.Heartbeat(ctx, j.ID, w.cfg.Owner, w.cfg.Lease)
			if errors.Is(err, ErrLeaseLost) {
				cancel(ErrLeaseLost)
				return
			}
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.WarnContext(ctx, "job heartbeat failed", "job_id", j.ID, "err", err)
			}
		}
	})
	result, err = call(hctx, h, j)
	close(done)
	wg.Wait()
	return result, errors.Is(context.Cause(hctx), ErrLeaseLost), err
}

// call runs h, turning a panic into an error.
func call(ctx context.Context, h Handler, j *Job) (result any, err error) {
	// The cache writes of the handler wait for the other nodes once, here,
	// rather than each on its own (cache.WithDebt): the job is done when
	// every node sees them.
	ctx = cache.WithDebt(ctx)
	defer cache.Pay(ctx)
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, fmt.Errorf("job handler panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// Run claims and runs jobs until ctx ends: all that are due, then again at
// every poll or Wake. It returns when the job at hand has ended.
func (w *Worker) Run(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	ticks, stop := w.cfg.Tick(poll)
	defer stop()
	for {
		for ctx.Err() == nil {
			ran, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.ErrorContext(ctx, "job queue failed", "err", err)
			}
			if !ran || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-ticks:
		}
	}
}
