package card

import (
	"context"
	"errors"
	"time"

	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Run flushes the verification log every interval (earlier when a batch
// is waiting or the queue is full) until ctx ends. Call Close after it
// returns, once requests have stopped, to write the rest.
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

// flushQuietly writes the queue in the background loop and logs a lost
// batch. A write under way finishes even when ctx ends (shutdown), within
// writeTimeout.
func (s *Service) flushQuietly(ctx context.Context) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err := s.rec.flush(wctx); err != nil {
		s.log.ErrorContext(ctx, "verification records lost: batch write failed", "err", err)
	}
}

// writeTimeout bounds one background flush, retries included.
const writeTimeout = 10 * time.Second

// Flush writes every queued verification record now.
func (s *Service) Flush(ctx context.Context) error { return s.rec.flush(ctx) }

// Close stops taking verification records (later ones are lost and
// counted) and drains the queue into the database. What cannot be written
// is counted and named in the error. Call it on shutdown after the HTTP
// servers stopped and before the database closes.
func (s *Service) Close(ctx context.Context) error {
	s.rec.gate.Lock()
	s.rec.closed = true
	s.rec.gate.Unlock()
	err := s.rec.flush(ctx)
	if n := s.rec.drain(); n > 0 {
		s.rec.lose(lostWriteFailed, n)
		err = errors.Join(err, errors.New("the records queued behind it are lost too"))
	}
	return err
}

// Dropped counts the verification records that were not written, for
// every reason (the sum of the metric's series).
func (s *Service) Dropped() int64 {
	var n int64
	for i := range s.rec.lost.n {
		n += s.rec.lost.n[i].Load()
	}
	return n
}

// Metrics returns the verification log's collector
// (unionhub_verification_records_lost_total), for the node's registry.
func (s *Service) Metrics() prometheus.Collector { return s.rec.lost }

// lostReasons are the label values of the lost-record counter.
var lostReasons = [...]string{lostQueueFull: "queue_full", lostWriteFailed: "write_failed", lostClosed: "closed"}

// lostCounter counts lost records by reason and is their Prometheus
// collector.
type lostCounter struct {
	n    [len(lostReasons)]atomic.Int64
	desc *prometheus.Desc
}

func newLostCounter() *lostCounter {
	return &lostCounter{desc: prometheus.NewDesc("unionhub_verification_records_lost_total",
		"Plain verification records not written, by reason: queue_full (no room in the queue within the wait), "+
			"write_failed (their batch failed every attempt), closed (after shutdown began).", []string{"reason"}, nil)}
}

// Describe implements prometheus.Collector.
func (l *lostCounter) Describe(ch chan<- *prometheus.Desc) { ch <- l.desc }

// Collect implements prometheus.Collector.
func (l *lostCounter) Collect(ch chan<- prometheus.Metric) {
	for i, r := range lostReasons {
		ch <- prometheus.MustNewConstMetric(l.desc, prometheus.CounterValue, float64(l.n[i].Load()), r)
	}
}
