package membership

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/org"
)

// OrgFinisher dissolves a union once its dissolution job has emptied it
// (org.Service).
type OrgFinisher interface {
	FinishDissolution(ctx context.Context, id, actor, jobID int64, p org.DissolveProgress) (bool, error)
}

// ApplicationCloser rejects one submitted application to a dissolving
// union, in the caller's transaction (application.Service).
type ApplicationCloser interface {
	CloseForDissolution(ctx context.Context, o *model.Org, actor int64, reason string) (bool, error)
}

// BatchStats counts several member changes of one transaction in one pass
// (stats.Service).
type BatchStats interface {
	MembersChanged(ctx context.Context, before, after []*model.Member) error
}

// DissolverDeps are a Dissolver's collaborators.
type DissolverDeps struct {
	Members *Service
	Queue   *jobs.Queue
	Orgs    OrgFinisher
	Apps    ApplicationCloser
	Stats   BatchStats
}

// DissolverConfig tunes a Dissolver.
type DissolverConfig struct {
	// BatchSize is how many members one transaction moves; default 200.
	BatchSize int
	// AfterBatch, when set, runs after each committed step with the
	// progress so far (tests stop a node there).
	AfterBatch func(ctx context.Context, p org.DissolveProgress)
}

// Dissolver runs the dissolution jobs (org.JobDissolve): it moves every
// member on the dissolving union's roll to the job's union as a transfer
// (转出 and 转入 events, counters of both chains, the member told, member
// number and history kept), rejects the applications and transfers still
// waiting for the union, and then dissolves it.
//
// Each batch commits its members' moves together with the job's progress,
// and only while the node still holds the job's lease (the progress write
// checks it), so a node that dies loses at most the batch at hand, which
// rolls back; the node that claims the job after the lease ran out goes
// on from the roll as it is, where a member moved is no longer to be
// found: nobody is moved twice.
type Dissolver struct {
	members *Service
	queue   *jobs.Queue
	orgs    OrgFinisher
	apps    ApplicationCloser
	stats   BatchStats
	cfg     DissolverConfig
}

// NewDissolver returns the Dissolver; register its Handle for
// org.JobDissolve with the jobs Worker.
func NewDissolver(d DissolverDeps, cfg DissolverConfig) *Dissolver {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 200
	}
	return &Dissolver{members: d.Members, queue: d.Queue, orgs: d.Orgs, apps: d.Apps, stats: d.Stats, cfg: cfg}
}

// maxRounds bounds how often the job goes back to the roll because a
// member joined while it finished (an approval already under way when
// the union began dissolving).
const maxRounds = 5

// stepTries is how often a step is tried before the job fails: a step
// that lost a race (a member changed meanwhile, a deadlock) rolls back
// and is tried again at once.
const stepTries = 3

var (
	errNothing     = errors.New("dissolution: nothing left for this step")
	errTargetGone  = errors.New("dissolution: the destination union no longer takes members")
	errUnionClosed = service.E(service.KindConflict, "该工会正在撤销或已撤销，不能再接收转入")
)

// Handle runs dissolution job j: the jobs Worker's handler for
// org.JobDissolve. A job taken over after a crash starts from its last
// committed progress.
func (d *Dissolver) Handle(ctx context.Context, j *jobs.Job) (any, error) {
	r := &dissolveRun{d: d, job: j}
	if err := j.Decode(&r.payload); err != nil {
		return nil, fmt.Errorf("dissolution %d: payload: %w", j.ID, err)
	}
	if len(j.Result) > 0 {
		if err := json.Unmarshal(j.Result, &r.prog); err != nil {
			return nil, fmt.Errorf("dissolution %d: progress: %w", j.ID, err)
		}
	}
	for range maxRounds {
		for _, step := range []stepFunc{r.moveBatch, r.closeApplication, r.rejectTransferIn} {
			if err := r.drain(ctx, step); err != nil {
				return r.result(err)
			}
		}
		done, err := r.finish(ctx)
		if err != nil || done {
			return r.result(err)
		}
	}
	return r.result(errors.New("dissolution: members kept joining the roll"))
}

// finish dissolves the emptied union, again when it lost a race (a profile
// edit moved its version on).
func (r *dissolveRun) finish(ctx context.Context) (done bool, err error) {
	for range stepTries {
		if done, err = r.d.orgs.FinishDissolution(ctx, r.job.OrgID, r.job.CreatedBy, r.job.ID, r.prog); err == nil || ctx.Err() != nil {
			return done, err
		}
	}
	return false, err
}

// dissolveRun is one attempt at a dissolution job.
type dissolveRun struct {
	d       *Dissolver
	job     *jobs.Job
	payload org.DissolvePayload
	prog    org.DissolveProgress // as committed
}

// stepFunc does one step's work in the transaction in ctx, next being the
// progress after it; errNothing when there is nothing left to do.
type stepFunc func(ctx context.Context, next *org.DissolveProgress) error

// drain runs step, one transaction at a time, until it has nothing left.
func (r *dissolveRun) drain(ctx context.Context, step stepFunc) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		next, err := r.try(ctx, step)
		if errors.Is(err, errNothing) {
			return nil
		}
		if err != nil {
			return err
		}
		r.prog = next
		if r.d.cfg.AfterBatch != nil {
			r.d.cfg.AfterBatch(ctx, r.prog)
		}
	}
}

// try runs one transaction of step, again when it lost a race.
func (r *dissolveRun) try(ctx context.Context, step stepFunc) (org.DissolveProgress, error) {
	var err error
	for range stepTries {
		next := r.prog
		err = model.InTx(ctx, r.d.members.db, func(ctx context.Context) error { return step(ctx, &next) })
		switch {
		case err == nil:
			return next, nil
		case errors.Is(err, errNothing), errors.Is(err, errTargetGone), errors.Is(err, jobs.ErrLeaseLost), ctx.Err() != nil:
			return r.prog, err
		}
		r.d.members.log.WarnContext(ctx, "dissolution step rolled back, trying again", "job_id", r.job.ID, "err", err)
	}
	return r.prog, err
}

// saveProgress records next as the job's progress in the step's
// transaction; jobs.ErrLeaseLost (another node has the job) rolls the
// step back.
func (r *dissolveRun) saveProgress(ctx context.Context, next org.DissolveProgress) error {
	return r.d.queue.SetProgress(ctx, r.job.ID, r.job.LeaseOwner, next)
}

// result is the job's outcome: its progress, and the error that ended it.
func (r *dissolveRun) result(err error) (any, error) {
	if errors.Is(err, errTargetGone) {
		return map[string]any{"progress": r.prog, "error": "转入的工会已不再接收会员，请重新指定 members_to"}, err
	}
	return r.prog, err
}
