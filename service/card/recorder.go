package card

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/unionhub/unionhub/model"
)

// recorder writes plain verification records in batches after the reply:
// a bounded in-memory queue, flushed every interval, early when a batch is
// waiting, and on shutdown. No record is dropped silently (DESIGN §4): a
// full queue makes the request wait briefly for the writer, a failed batch
// is retried with backoff, and whatever is still lost is counted by reason
// in unionhub_verification_records_lost_total.
type recorder struct {
	store    *model.VerificationStore
	queue    chan model.Verification
	kick     chan struct{}
	batch    int
	interval time.Duration
	wait     time.Duration // longest wait of a request for room in the queue
	retries  int           // further attempts of a failed batch
	backoff  time.Duration // before the first retry; doubles
	after    func(time.Duration) <-chan time.Time
	log      *slog.Logger

	mu   sync.Mutex   // one flush at a time
	gate sync.RWMutex // adds hold it shared; Close exclusively
	// closed is set by Close: later records are lost (reason "closed").
	closed bool
	lost   *lostCounter
}

// Reasons a verification record is lost (the metric's label values, in
// lostReasons' order).
const (
	lostQueueFull   = iota // no room within the wait, or the request ended
	lostWriteFailed        // its batch failed every attempt
	lostClosed             // arrived after Close
)

func newRecorder(store *model.VerificationStore, cfg Config, after func(time.Duration) <-chan time.Time, log *slog.Logger) *recorder {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 10000
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = time.Second
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = 50 * time.Millisecond
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 3
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = 100 * time.Millisecond
	}
	if after == nil {
		after = time.After
	}
	return &recorder{store: store, queue: make(chan model.Verification, cfg.QueueSize), kick: make(chan struct{}, 1),
		batch: cfg.BatchSize, interval: cfg.FlushInterval, wait: cfg.QueueWait, retries: cfg.Retries,
		backoff: cfg.RetryBackoff, after: after, log: log, lost: newLostCounter()}
}

// add queues v. A full queue (the database behind) wakes the writer and
// waits for room up to the recorder's wait or the end of ctx, then loses v
// and counts it; so does a closed recorder.
func (r *recorder) add(ctx context.Context, v model.Verification) {
	r.gate.RLock()
	defer r.gate.RUnlock()
	if r.closed {
		r.lose(lostClosed, 1)
		return
	}
	select {
	case r.queue <- v:
	default:
		r.wake()
		select {
		case r.queue <- v:
		case <-ctx.Done():
			r.lose(lostQueueFull, 1)
			return
		case <-r.after(r.wait):
			r.lose(lostQueueFull, 1)
			return
		}
	}
	if len(r.queue) >= r.batch {
		r.wake()
	}
}

// wake asks the writer for a flush now.
func (r *recorder) wake() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// lose counts n lost records; a full queue is also logged, at the first
// loss and every 1000th (a failed batch is logged by whoever flushed).
func (r *recorder) lose(reason, n int) {
	total := r.lost.n[reason].Add(int64(n))
	if reason == lostQueueFull {
		if total == 1 || total%1000 == 0 {
			r.log.Warn("verification records lost: the queue stayed full", "lost_total", total)
		}
	}
}

// flush writes everything queued so far, a batch at a time. A batch that
// fails every attempt is lost (counted) and ends the flush with an error
// naming it; the records behind it stay queued for the next flush.
func (r *recorder) flush(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		n := min(len(r.queue), r.batch)
		if n == 0 {
			return nil
		}
		rows := make([]model.Verification, n)
		for i := range rows {
			rows[i] = <-r.queue
		}
		if err := r.write(ctx, rows); err != nil {
			r.lose(lostWriteFailed, n)
			return fmt.Errorf("%d verification records lost after %d attempts: %w", n, r.retries+1, err)
		}
	}
}

// write inserts rows, retrying a failure after a backoff that doubles, as
// long as ctx lasts. A duplicate on a retry means an earlier attempt was
// committed though its reply was lost (a batch is one transaction, its ids
// are fresh): the rows are written.
func (r *recorder) write(ctx context.Context, rows []model.Verification) error {
	wait := r.backoff
	for attempt := 0; ; attempt++ {
		err := r.store.InsertBatch(ctx, rows)
		if err == nil || attempt > 0 && errors.Is(err, model.ErrDuplicate) {
			return nil
		}
		if attempt == r.retries {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-r.after(wait):
		}
		wait *= 2
	}
}

// drain empties the queue, returning how many records it held.
func (r *recorder) drain() int {
	n := 0
	for {
		select {
		case <-r.queue:
			n++
		default:
			return n
		}
	}
}
