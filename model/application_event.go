package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Application event kinds: every move of an application (API.md §11's
// timeline).
const (
	EventSubmitted   = "submitted"
	EventResubmitted = "resubmitted"
	EventAssigned    = "assigned"
	EventApproved    = "approved"
	EventRejected    = "rejected"
	EventReturned    = "returned"
	EventWithdrawn   = "withdrawn"
)

// ApplicationEvent is one move of an application, written in the move's
// transaction. Version is the application's version the move produced:
// every move bumps it once, so it orders an application's events and keys
// them without a generated id. OrgID is where the application is after
// the move (for an assignment, the union it went to); Note is the
// reviewer's reason, which the applicant sees.
type ApplicationEvent struct {
	ApplicationID int64 `gorm:"primaryKey;autoIncrement:false"`
	Version       int   `gorm:"primaryKey;autoIncrement:false"`
	At            time.Time
	Kind          string
	OrgID         int64
	Note          *string
}

// ApplicationEventStore reads and writes application events.
type ApplicationEventStore struct{ db *gorm.DB }

// NewApplicationEventStore returns an ApplicationEventStore on db.
func NewApplicationEventStore(db *gorm.DB) *ApplicationEventStore {
	return &ApplicationEventStore{db: db}
}

// Add inserts ev; call it in the move's transaction (Conn).
func (s *ApplicationEventStore) Add(ctx context.Context, ev *ApplicationEvent) error {
	return Translate(Conn(ctx, s.db).Create(ev).Error)
}

// List returns application id's events, oldest first.
func (s *ApplicationEventStore) List(ctx context.Context, applicationID int64) ([]ApplicationEvent, error) {
	var out []ApplicationEvent
	err := Conn(ctx, s.db).Where("application_id = ?", applicationID).Order("version").Find(&out).Error
	return out, Translate(err)
}
