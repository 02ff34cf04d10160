package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// PushEvent is a WeChat push event that was applied, by its key.
type PushEvent struct {
	EventKey   string
	Event      string
	ReceivedAt time.Time
}

// TableName names the table.
func (PushEvent) TableName() string { return "wechat_push_events" }

// PushEventStore records applied push events.
type PushEventStore struct{ db *gorm.DB }

// NewPushEventStore returns a PushEventStore on db.
func NewPushEventStore(db *gorm.DB) *PushEventStore { return &PushEventStore{db: db} }

// Record inserts the event's key; ErrDuplicate means it was applied before.
func (s *PushEventStore) Record(ctx context.Context, e *PushEvent) error {
	return Translate(Conn(ctx, s.db).Create(e).Error)
}

// Purge deletes the keys received before before: an event that old is
// refused for its timestamp anyway.
func (s *PushEventStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	res := Conn(ctx, s.db).Where("received_at < ?", before).Delete(&PushEvent{})
	return res.RowsAffected, Translate(res.Error)
}
