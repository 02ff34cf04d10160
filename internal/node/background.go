package node

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/notify"
)

// Intervals of the background loops.
const (
	outboxPoll      = time.Second // a subscribe message goes out within about a second
	jobPoll         = 2 * time.Second
	outboxRetention = 30 * 24 * time.Hour
	// deadlineSweep: review deadline notices go out within this long of
	// the business day's start (application.Service.SweepDeadlines).
	deadlineSweep = 15 * time.Minute
)

// background is the node's work outside requests: the outbox Deliverer,
// the job Worker and the Runner of periodic tasks. Register job handlers
// (Worker.Register) and periodic tasks (Runner.Every) before start.
type background struct {
	Notify    *notify.Service
	Deliverer *notify.Deliverer
	Queue     *jobs.Queue
	Worker    *jobs.Worker
	Runner    *jobs.Runner
}

// newBackground builds the loops on db; WeChat messages go through
// sender; now (nil: time.Now) is their clock.
func newBackground(db *gorm.DB, sender notify.Sender, now func() time.Time, log *slog.Logger) *background {
	owner := jobs.NewOwner()
	d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: sender, Now: now, Log: log}, notify.DelivererConfig{})
	q := jobs.NewQueue(db, now)
	b := &background{
		Notify:    notify.New(notify.Deps{DB: db, Now: now, Waker: d}),
		Deliverer: d,
		Queue:     q,
		Worker:    jobs.NewWorker(q, jobs.WorkerConfig{Owner: owner, Log: log}),
		Runner:    jobs.NewRunner(db, jobs.RunnerConfig{Owner: owner, Now: now, Log: log}),
	}
	b.Runner.Every("outbox_purge", 24*time.Hour, func(ctx context.Context) error {
		n, err := d.Purge(ctx, outboxRetention)
		if err == nil && n > 0 {
			log.InfoContext(ctx, "outbox purged", "rows", n)
		}
		return err
	})
	return b
}

// start runs the loops until ctx ends or the returned stop is called;
// stop waits for them to end (the job or message at hand is recorded), so
// call it before the database and cache close.
func (b *background) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.Deliverer.Run(ctx, outboxPoll) })
	wg.Go(func() { b.Worker.Run(ctx, jobPoll) })
	wg.Go(func() { b.Runner.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}
