package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Job statuses.
const (
	JobPending = "pending"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is one background task (an import, an export). Payload and Result
// are JSON. While running, LeaseOwner holds it until LeaseUntil; a job
// whose lease ran out is claimable again.
type Job struct {
	ID         int64
	Kind       string
	Status     string
	Payload    string
	Result     *string
	OrgID      *int64
	CreatedBy  *int64
	Attempts   int
	LeaseOwner *string
	LeaseUntil *time.Time
	RunAfter   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// JobStore reads and writes jobs. Claiming is a plain read of candidates
// followed by a conditional UPDATE per candidate whose RowsAffected decides
// who won: it needs no SELECT … FOR UPDATE SKIP LOCKED, which TiDB lacks.
type JobStore struct{ db *gorm.DB }

// NewJobStore returns a JobStore on db.
func NewJobStore(db *gorm.DB) *JobStore { return &JobStore{db: db} }

// Create inserts j.
func (s *JobStore) Create(ctx context.Context, j *Job) error {
	return Translate(Conn(ctx, s.db).Create(j).Error)
}

// Get returns the job with id, or ErrNotFound.
func (s *JobStore) Get(ctx context.Context, id int64) (*Job, error) {
	var j Job
	if err := Translate(Conn(ctx, s.db).Take(&j, id).Error); err != nil {
		return nil, err
	}
	return &j, nil
}

// claimable is the condition of a job anyone may claim at now: pending and
// due, or running under a lease that ran out.
const claimable = "((status = ? AND run_after <= ?) OR (status = ? AND lease_until < ?))"

// Claimable returns up to limit jobs of kinds that may be claimed at now,
// oldest due first. Another node may claim them first: Claim decides.
func (s *JobStore) Claimable(ctx context.Context, kinds []string, now time.Time, limit int) ([]Job, error) {
	var out []Job
	err := Conn(ctx, s.db).Where("kind IN ?", kinds).
		Where(claimable, JobPending, now, JobRunning, now).
		Order("run_after").Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// Live returns the pending and running jobs of kind, of org orgID when it
// is not 0: few rows, read through the status index.
func (s *JobStore) Live(ctx context.Context, kind string, orgID int64) ([]Job, error) {
	q := Conn(ctx, s.db).Where("status IN ? AND kind = ?", []string{JobPending, JobRunning}, kind)
	if orgID != 0 {
		q = q.Where("org_id = ?", orgID)
	}
	var out []Job
	return out, Translate(q.Order("created_at").Find(&out).Error)
}

// Claim makes owner run job id until until, if it is still claimable at
// now; it reports whether owner won. The attempt count goes up, so the
// UPDATE always changes the row and RowsAffected is exact on MySQL too.
func (s *JobStore) Claim(ctx context.Context, id int64, owner string, now, until time.Time) (bool, error) {
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&Job{}).Where("id = ?", id).
			Where(claimable, JobPending, now, JobRunning, now).
			Updates(map[string]any{"status": JobRunning, "lease_owner": owner, "lease_until": until,
				"attempts": gorm.Expr("attempts + 1"), "updated_at": now})
	})
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// Abandon fails job id, running under a lease that ran out before now, with
// result; it reports whether it did (false: someone else moved it first).
func (s *JobStore) Abandon(ctx context.Context, id int64, result string, now time.Time) (bool, error) {
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB {
		return q.Model(&Job{}).
			Where("id = ? AND status = ? AND lease_until < ?", id, JobRunning, now).
			Updates(map[string]any{"status": JobFailed, "result": result, "lease_owner": nil,
				"lease_until": nil, "updated_at": now, "finished_at": now})
	})
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// Heartbeat extends the lease of job id, running for owner, to until.
// ErrConflict means owner no longer holds the job.
func (s *JobStore) Heartbeat(ctx context.Context, id int64, owner string, now, until time.Time) error {
	return s.updateOwned(ctx, id, owner, map[string]any{"lease_until": until, "updated_at": now}, true)
}

// SetResult records the partial result (progress) of job id, running for
// owner. ErrConflict means owner no longer holds the job.
func (s *JobStore) SetResult(ctx context.Context, id int64, owner, result string, now time.Time) error {
	return s.updateOwned(ctx, id, owner, map[string]any{"result": result, "updated_at": now}, true)
}

// Finish ends job id, running for owner, with status (JobDone, JobFailed)
// and result. ErrConflict means owner no longer holds the job.
func (s *JobStore) Finish(ctx context.Context, id int64, owner, status, result string, now time.Time) error {
	return s.updateOwned(ctx, id, owner, map[string]any{"status": status, "result": result,
		"lease_owner": nil, "lease_until": nil, "updated_at": now, "finished_at": now}, false)
}

// updateOwned applies set to job id if owner runs it. MySQL counts only
// changed rows, so an update that may change nothing (a heartbeat at the
// same instant) is checked by a read when it reports no row.
func (s *JobStore) updateOwned(ctx context.Context, id int64, owner string, set map[string]any, mayBeNoop bool) error {
	db := Conn(ctx, s.db)
	owned := func(q *gorm.DB) *gorm.DB {
		return q.Where("id = ? AND status = ? AND lease_owner = ?", id, JobRunning, owner)
	}
	res := Write(ctx, s.db, func(q *gorm.DB) *gorm.DB { return owned(q.Model(&Job{})).Updates(set) })
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 1 {
		return nil
	}
	if mayBeNoop {
		var n int64
		if err := Translate(owned(db.Model(&Job{})).Count(&n).Error); err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
	}
	return ErrConflict
}
