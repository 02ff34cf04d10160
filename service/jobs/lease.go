package jobs

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// Leases hands out named leases from the leases table, so that a periodic
// task runs on one node at a time.
type Leases struct {
	store *model.LeaseStore
	now   func() time.Time
}

// NewLeases returns Leases on db; now is the clock (nil: time.Now).
func NewLeases(db *gorm.DB, now func() time.Time) *Leases {
	return &Leases{store: model.NewLeaseStore(db), now: clock(now)}
}

// TryLease takes lease name for owner for ttl when nobody else holds it
// (or renews owner's own) and reports whether owner now holds it. The row
// is created on first use; after that a conditional UPDATE … WHERE
// name = ? AND (lease_until < now OR owner = ?) decides between nodes.
func (l *Leases) TryLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if name == "" || len(name) > 64 || owner == "" || len(owner) > 64 || ttl <= 0 {
		return false, errors.New("jobs: lease needs a name and owner of 1 to 64 bytes and a positive ttl")
	}
	now := l.now()
	return l.store.Acquire(ctx, name, owner, now, now.Add(ttl))
}

// Release ends owner's lease name now, so that another node may take it at
// its next try; a lease owner no longer holds is left alone.
func (l *Leases) Release(ctx context.Context, name, owner string) error {
	return l.store.Release(ctx, name, owner, l.now())
}
