package card

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unionhub/unionhub/model"
)

// recorder writes plain verification records in batches after the reply:
// a bounded in-memory queue (a full queue drops and counts), flushed every
// interval, early when a batch is waiting, and on shutdown.
type recorder struct {
	store    *model.VerificationStore
	queue    chan model.Verification
	kick     chan struct{}
	batch    int
	interval time.Duration
	log      *slog.Logger

	mu      sync.Mutex   // one flush at a time
	gate    sync.RWMutex // adds hold it shared; Close exclusively
	closed  bool
	dropped atomic.Int64
	failed  atomic.Int64
}

func newRecorder(store *model.VerificationStore, cfg Config, log *slog.Logger) *recorder {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 10000
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = time.Second
	}
	return &recorder{store: store, queue: make(chan model.Verification, cfg.QueueSize), kick: make(chan struct{}, 1),
		batch: cfg.BatchSize, interval: cfg.FlushInterval, log: log}
}

// add queues v without blocking; a full queue (the database far behind)
// or a closed recorder drops it and counts.
func (r *recorder) add(v model.Verification) {
	r.gate.RLock()
	queued := false
	if !r.closed {
		select {
		case r.queue <- v:
			queued = true
		default:
		}
	}
	r.gate.RUnlock()
	if !queued {
		r.drop()
		return
	}
	if len(r.queue) >= r.batch {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

func (r *recorder) drop() {
	if n := r.dropped.Add(1); n == 1 || n%1000 == 0 {
		r.log.Warn("verification records dropped", "dropped_total", n)
	}
}

// flush writes everything queued so far.
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
		if err := r.store.InsertBatch(ctx, rows); err != nil {
			r.failed.Add(int64(n))
			return err
		}
	}
}

// Run flushes the verification log every interval (earlier when a batch
// is waiting) until ctx ends. Call Close after it returns, once requests
// have stopped, to write the rest.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.rec.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.rec.kick:
		}
		s.flushQuietly(ctx)
	}
}

// flushQuietly writes the queue in the background loop. A write under way
// finishes even when ctx ends (shutdown), within writeTimeout.
func (s *Service) flushQuietly(ctx context.Context) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err := s.rec.flush(wctx); err != nil {
		s.log.ErrorContext(ctx, "verification records lost: batch write failed", "err", err)
	}
}

// writeTimeout bounds one background flush.
const writeTimeout = 10 * time.Second

// Flush writes every queued verification record now.
func (s *Service) Flush(ctx context.Context) error { return s.rec.flush(ctx) }

// Close stops taking verification records (later ones are dropped and
// counted) and writes those queued. Call it on shutdown after the HTTP
// servers stopped and before the database closes.
func (s *Service) Close(ctx context.Context) error {
	s.rec.gate.Lock()
	s.rec.closed = true
	s.rec.gate.Unlock()
	return s.rec.flush(ctx)
}

// Dropped counts the verification records that were not written: dropped
// from a full queue or after Close, or lost in a failed batch write.
func (s *Service) Dropped() int64 { return s.rec.dropped.Load() + s.rec.failed.Load() }
