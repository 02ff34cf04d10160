package model

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Lease is a named lock with an expiry: whoever holds an unexpired lease
// runs the periodic task of that name.
type Lease struct {
	Name       string `gorm:"primaryKey"`
	Owner      string
	LeaseUntil time.Time
}

// TableName names the table.
func (Lease) TableName() string { return "leases" }

// LeaseStore reads and writes leases.
type LeaseStore struct{ db *gorm.DB }

// NewLeaseStore returns a LeaseStore on db.
func NewLeaseStore(db *gorm.DB) *LeaseStore { return &LeaseStore{db: db} }

// Acquire gives lease name to owner until until, when it is free at now
// (absent, expired, or owner's already), and reports whether owner holds
// it. Of concurrent callers one wins: the conditional UPDATE, or the
// primary key on the first INSERT, decides.
func (s *LeaseStore) Acquire(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	db := Conn(ctx, s.db)
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&Lease{}).Where("name = ? AND (lease_until < ? OR owner = ?)", name, now, owner).
			Updates(map[string]any{"owner": owner, "lease_until": until})
	})
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	if res.RowsAffected == 1 {
		return true, nil
	}
	err := Translate(db.Create(&Lease{Name: name, Owner: owner, LeaseUntil: until}).Error)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, ErrDuplicate) {
		return false, err
	}
	// The row exists and the UPDATE changed nothing: another owner holds
	// it, or owner already holds it until exactly until (MySQL reports
	// unchanged rows as unaffected).
	var l Lease
	if err := Translate(db.Where("name = ?", name).Take(&l).Error); err != nil {
		return false, err
	}
	return l.Owner == owner && l.LeaseUntil.Equal(until), nil
}

// Release ends owner's lease name at now (a lease that ran out, or that
// another owner holds, is left alone).
func (s *LeaseStore) Release(ctx context.Context, name, owner string, now time.Time) error {
	return Translate(Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&Lease{}).Where("name = ? AND owner = ? AND lease_until > ?", name, owner, now).
			Update("lease_until", now)
	}).Error)
}
