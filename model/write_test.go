package model_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// deadlockFirst makes the next victims UPDATE or DELETE statements on db
// fail as InnoDB fails a deadlock victim, before they reach the database.
func deadlockFirst(t *testing.T, db *gorm.DB, victims *atomic.Int32) {
	t.Helper()
	inject := func(tx *gorm.DB) {
		if victims.Add(-1) >= 0 {
			tx.AddError(&mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"})
		}
	}
	if err := db.Callback().Update().Before("gorm:update").Register("test:deadlock", inject); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Delete().Before("gorm:delete").Register("test:deadlock", inject); err != nil {
		t.Fatal(err)
	}
}

// TestSingleWritesSurviveDeadlocks: the statements that nodes race on
// outside a transaction (claiming and settling outbox messages and jobs,
// taking a lease) are run again when the database picks them as a
// deadlock victim, instead of failing the deliverer or the job runner
// (seen on MariaDB: two nodes settling neighbouring outbox rows).
func TestSingleWritesSurviveDeadlocks(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		outbox, jobs, leases := model.NewOutboxStore(db), model.NewJobStore(db), model.NewLeaseStore(db)
		msg := &model.OutboxMessage{ID: model.NewID(), Kind: "wechat_subscribe", Payload: "{}",
			Status: model.OutboxPending, NextAttemptAt: now, CreatedAt: now}
		if err := outbox.Create(ctx, msg); err != nil {
			t.Fatal(err)
		}
		job := &model.Job{ID: model.NewID(), Kind: "probe", Status: model.JobPending, RunAfter: now, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(job).Error; err != nil {
			t.Fatal(err)
		}
		if ok, err := leases.Acquire(ctx, "probe", "node-a", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("first acquire: %v %v", ok, err)
		}
		var victims atomic.Int32
		deadlockFirst(t, db, &victims)
		steps := []struct {
			name string
			run  func() error
		}{
			{"outbox claim", func() error {
				return won(outbox.Claim(ctx, msg.ID, 0, now, now.Add(time.Minute)))
			}},
			{"outbox settle", func() error {
				return outbox.Settle(ctx, msg.ID, 1, model.OutboxSent, now, nil, &now)
			}},
			{"outbox purge", func() error {
				_, err := outbox.Purge(ctx, now.Add(time.Hour))
				return err
			}},
			{"job claim", func() error { return won(jobs.Claim(ctx, job.ID, "node-a", now, now.Add(time.Minute))) }},
			{"job heartbeat", func() error { return jobs.Heartbeat(ctx, job.ID, "node-a", now, now.Add(2*time.Minute)) }},
			{"job finish", func() error { return jobs.Finish(ctx, job.ID, "node-a", model.JobDone, "{}", now) }},
			{"lease renewal", func() error {
				return won(leases.Acquire(ctx, "probe", "node-a", now, now.Add(2*time.Minute)))
			}},
		}
		for _, s := range steps {
			victims.Store(txAttemptsBelow)
			if err := s.run(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if left := victims.Load(); left >= 0 {
				t.Fatalf("%s: %d injected deadlocks unused: the statement did not reach the database", s.name, left+1)
			}
		}
		// Inside a transaction the statement does not run again on its own:
		// the database rolled the whole transaction back, and InTx runs it
		// again from its start.
		victims.Store(1)
		runs := 0
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			runs++
			_, err := outbox.Purge(ctx, now.Add(time.Hour))
			return err
		})
		if err != nil || runs != 2 {
			t.Fatalf("in a transaction: %d runs, %v; want the transaction run again once", runs, err)
		}
	})
}

// txAttemptsBelow is how many deadlocks in a row a single write survives
// (one fewer than model's attempts).
const txAttemptsBelow = 3

func won(ok bool, err error) error {
	if err == nil && !ok {
		return errLost
	}
	return err
}

var errLost = errors.New("the write changed no row")
