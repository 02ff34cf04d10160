package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// MaxAttempts is how often a job is claimed before it is given up: a job
// whose node died (its lease ran out) is claimed again until then. A
// handler's error fails the job at once.
const MaxAttempts = 3

// ErrLeaseLost means the owner no longer holds the job: its lease ran out
// and another node claimed it, or it was finished.
var ErrLeaseLost = errors.New("jobs: lease lost")

// Job is one job as its handler and its readers see it.
type Job struct {
	ID        int64
	Kind      string
	Status    string // model.JobPending, JobRunning, JobDone, JobFailed
	Payload   json.RawMessage
	Result    json.RawMessage // nil until a handler sets progress or finishes
	OrgID     int64           // 0: none
	CreatedBy int64           // 0: none
	Attempts  int
	// LeaseOwner and LeaseUntil are set while the job runs.
	LeaseOwner string
	LeaseUntil *time.Time
	RunAfter   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// Decode unmarshals the job's payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

func fromModel(m *model.Job) *Job {
	j := &Job{ID: m.ID, Kind: m.Kind, Status: m.Status, Payload: json.RawMessage(m.Payload),
		Attempts: m.Attempts, LeaseUntil: m.LeaseUntil, RunAfter: m.RunAfter,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, FinishedAt: m.FinishedAt}
	if m.Result != nil {
		j.Result = json.RawMessage(*m.Result)
	}
	if m.OrgID != nil {
		j.OrgID = *m.OrgID
	}
	if m.CreatedBy != nil {
		j.CreatedBy = *m.CreatedBy
	}
	if m.LeaseOwner != nil {
		j.LeaseOwner = *m.LeaseOwner
	}
	return j
}

// Queue is the jobs table as a work queue shared by every node.
type Queue struct {
	store *model.JobStore
	now   func() time.Time
}

// NewQueue returns the Queue in db; now is the clock (nil: time.Now).
func NewQueue(db *gorm.DB, now func() time.Time) *Queue {
	return &Queue{store: model.NewJobStore(db), now: clock(now)}
}

// Enqueue adds a pending job of kind with payload (marshalled to JSON) and
// returns its id. Inside a transaction (model.InTx) the job exists only if
// that commits. orgID and createdBy may be 0.
func (q *Queue) Enqueue(ctx context.Context, kind string, orgID, createdBy int64, payload any) (int64, error) {
	if kind == "" || len(kind) > 32 {
		return 0, fmt.Errorf("jobs: kind %q must be 1 to 32 bytes", kind)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: payload of %s: %w", kind, err)
	}
	now := q.now()
	j := &model.Job{ID: model.NewID(), Kind: kind, Status: model.JobPending, Payload: string(raw),
		OrgID: optional(orgID), CreatedBy: optional(createdBy), RunAfter: now, CreatedAt: now, UpdatedAt: now}
	if err := q.store.Create(ctx, j); err != nil {
		return 0, err
	}
	return j.ID, nil
}

// Get returns the job with id, or model.ErrNotFound.
func (q *Queue) Get(ctx context.Context, id int64) (*Job, error) {
	m, err := q.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return fromModel(m), nil
}

// Live returns the pending and running jobs of kind, of org orgID when it
// is not 0, oldest first.
func (q *Queue) Live(ctx context.Context, kind string, orgID int64) ([]*Job, error) {
	ms, err := q.store.Live(ctx, kind, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]*Job, len(ms))
	for i := range ms {
		out[i] = fromModel(&ms[i])
	}
	return out, nil
}

// claimBatch is how many candidates one round of Claim reads.
const claimBatch = 8

// Claim takes the oldest due job of one of kinds for owner for lease and
// returns it (running), or nil when there is none. Candidates are read
// without locks and taken by a conditional UPDATE (see the package doc), so
// of concurrent claimers exactly one gets each job. A job that has used up
// MaxAttempts is failed instead of claimed.
func (q *Queue) Claim(ctx context.Context, kinds []string, owner string, lease time.Duration) (*Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	if owner == "" || len(owner) > 64 || lease <= 0 {
		return nil, errors.New("jobs: claim needs an owner of 1 to 64 bytes and a positive lease")
	}
	// Lost candidates are running under a live lease when read again, so
	// each round reads new ones; the bound only guards against a livelock.
	for range 16 {
		now := q.now()
		cands, err := q.store.Claimable(ctx, kinds, now, claimBatch)
		if err != nil || len(cands) == 0 {
			return nil, err
		}
		for _, c := range cands {
			if c.Status == model.JobRunning && c.Attempts >= MaxAttempts {
				if _, err := q.store.Abandon(ctx, c.ID, abandoned, now); err != nil {
					return nil, err
				}
				continue
			}
			won, err := q.store.Claim(ctx, c.ID, owner, now, now.Add(lease))
			if err != nil {
				return nil, err
			}
			if won {
				return q.Get(ctx, c.ID)
			}
		}
	}
	return nil, nil
}

// abandoned is the result of a job given up after MaxAttempts.
var abandoned = mustJSON(map[string]string{"error": "the job was interrupted too often and was given up"})

// Heartbeat extends owner's lease on job id to lease from now. ErrLeaseLost
// means owner must stop: another node has the job.
func (q *Queue) Heartbeat(ctx context.Context, id int64, owner string, lease time.Duration) error {
	now := q.now()
	return lost(q.store.Heartbeat(ctx, id, owner, now, now.Add(lease)))
}

// SetProgress records result (marshalled to JSON) as the running job's
// partial result, for readers to show progress.
func (q *Queue) SetProgress(ctx context.Context, id int64, owner string, result any) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("jobs: result of job %d: %w", id, err)
	}
	return lost(q.store.SetResult(ctx, id, owner, string(raw), q.now()))
}

// Finish ends owner's job id as done, or as failed, with result
// (marshalled to JSON).
func (q *Queue) Finish(ctx context.Context, id int64, owner string, result any, failed bool) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("jobs: result of job %d: %w", id, err)
	}
	status := model.JobDone
	if failed {
		status = model.JobFailed
	}
	return lost(q.store.Finish(ctx, id, owner, status, string(raw), q.now()))
}

func lost(err error) error {
	if errors.Is(err, model.ErrConflict) {
		return ErrLeaseLost
	}
	return err
}

func optional(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}
