package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Outbox statuses: pending until delivered (sent), refused for good (dead)
// or given up after the last retry (failed).
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	OutboxDead    = "dead"
)

// OutboxMessage is a message to deliver outside the database (a WeChat
// subscribe message), written in the transaction of the change it reports
// and delivered after commit by a worker. Payload is JSON.
type OutboxMessage struct {
	ID            int64
	Kind          string
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     *string
	LeaseUntil    *time.Time
	CreatedAt     time.Time
	SentAt        *time.Time
}

// TableName names the table.
func (OutboxMessage) TableName() string { return "outbox" }

// OutboxStore reads and writes outbox messages. A deliverer claims a
// message by setting its lease and raising its attempt count in one
// conditional UPDATE; the attempt count it set then fences its settling
// UPDATE, so a deliverer whose lease ran out cannot settle another's try.
type OutboxStore struct{ db *gorm.DB }

// NewOutboxStore returns an OutboxStore on db.
func NewOutboxStore(db *gorm.DB) *OutboxStore { return &OutboxStore{db: db} }

// Create inserts m.
func (s *OutboxStore) Create(ctx context.Context, m *OutboxMessage) error {
	return Translate(Conn(ctx, s.db).Create(m).Error)
}

// Get returns the message with id, or ErrNotFound.
func (s *OutboxStore) Get(ctx context.Context, id int64) (*OutboxMessage, error) {
	var m OutboxMessage
	if err := Translate(Conn(ctx, s.db).Take(&m, id).Error); err != nil {
		return nil, err
	}
	return &m, nil
}

// due is the condition of a message a deliverer may claim at now.
const due = "status = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"

// Due returns up to limit messages of kinds that may be claimed at now,
// longest waiting first. Another deliverer may claim them first: Claim
// decides.
func (s *OutboxStore) Due(ctx context.Context, kinds []string, now time.Time, limit int) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := Conn(ctx, s.db).Where(due, OutboxPending, now, now).Where("kind IN ?", kinds).
		Order("next_attempt_at").Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// Claim leases message id until until if it is still due at now and still
// at attempt count seen; it reports whether the caller won, whose attempt
// is then seen+1.
func (s *OutboxStore) Claim(ctx context.Context, id int64, seen int, now, until time.Time) (bool, error) {
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&OutboxMessage{}).Where("id = ? AND attempts = ?", id, seen).
			Where(due, OutboxPending, now, now).
			Updates(map[string]any{"lease_until": until, "attempts": seen + 1})
	})
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// Settle records the outcome of attempt on message id and drops the lease:
// status (OutboxPending again to retry at next, OutboxSent, OutboxDead,
// OutboxFailed) with lastErr (nil to keep none) and, when sent, sentAt.
// ErrConflict means the attempt is no longer the message's current one.
func (s *OutboxStore) Settle(ctx context.Context, id int64, attempt int, status string, next time.Time, lastErr *string, sentAt *time.Time) error {
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&OutboxMessage{}).
			Where("id = ? AND attempts = ? AND status = ? AND lease_until IS NOT NULL", id, attempt, OutboxPending).
			Updates(map[string]any{"status": status, "next_attempt_at": next, "last_error": lastErr,
				"sent_at": sentAt, "lease_until": nil})
	})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// Purge deletes sent and dead messages created before before and returns
// how many went; failed ones stay for an operator to look at.
func (s *OutboxStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Where("status IN ? AND created_at < ?", []string{OutboxSent, OutboxDead}, before).
			Delete(&OutboxMessage{})
	})
	return res.RowsAffected, Translate(res.Error)
}
