package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Notification is an in-app notice to one user. Data is a JSON object.
type Notification struct {
	ID        int64
	UserID    int64
	Kind      string
	Title     string
	Body      string
	Data      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

// NotificationStore reads and writes notifications.
type NotificationStore struct{ db *gorm.DB }

// NewNotificationStore returns a NotificationStore on db.
func NewNotificationStore(db *gorm.DB) *NotificationStore { return &NotificationStore{db: db} }

// Create inserts n.
func (s *NotificationStore) Create(ctx context.Context, n *Notification) error {
	return Translate(Conn(ctx, s.db).Create(n).Error)
}

// List returns one page of the user's notifications, newest first, and the
// cursor of the next page (nil on the last).
func (s *NotificationStore) List(ctx context.Context, userID int64, p Page) ([]Notification, *string, error) {
	var rows []Notification
	err := Conn(ctx, s.db).Where("user_id = ?", userID).Scopes(Keyset(p, "")).Find(&rows).Error
	if err != nil {
		return nil, nil, Translate(err)
	}
	rows, next := NextCursor(rows, p, func(n Notification) Cursor { return Cursor{At: n.CreatedAt, ID: n.ID} })
	return rows, next, nil
}

// Get returns the user's notification id; another user's is ErrNotFound.
func (s *NotificationStore) Get(ctx context.Context, userID, id int64) (*Notification, error) {
	var n Notification
	if err := Translate(Conn(ctx, s.db).Where("id = ? AND user_id = ?", id, userID).Take(&n).Error); err != nil {
		return nil, err
	}
	return &n, nil
}

// MarkRead records that the user read notification id at now, unless
// already read, and returns it; another user's is ErrNotFound.
func (s *NotificationStore) MarkRead(ctx context.Context, userID, id int64, now time.Time) (*Notification, error) {
	err := Conn(ctx, s.db).Model(&Notification{}).
		Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).Update("read_at", now).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return s.Get(ctx, userID, id)
}

// CountUnread returns how many of the user's notifications are unread.
func (s *NotificationStore) CountUnread(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := Conn(ctx, s.db).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, Translate(err)
}
