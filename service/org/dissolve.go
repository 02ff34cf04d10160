package org

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
)

// JobDissolve is the kind of the jobs that move a dissolving union's
// members on the roll to another union and then dissolve it
// (membership.Dissolver runs them).
const JobDissolve = "org_dissolve"

// importJobKind is importer.JobKind (the importer imports this package):
// a union that an import is filling is neither dissolved nor retyped.
const importJobKind = "import"

// DissolvePayload is what a dissolution job was asked: move the members on
// the roll of its org (the job's OrgID) to To.
type DissolvePayload struct {
	To int64 `json:"to,string"`
	// Total is how many members were on the roll when it was asked.
	Total int64 `json:"total"`
}

// DissolveProgress is a dissolution job's result, committed with each
// batch it moves.
type DissolveProgress struct {
	Moved        int64 `json:"moved"`
	Applications int64 `json:"applications_rejected"`
	Transfers    int64 `json:"transfers_rejected"`
}

// Dissolution is where the dissolution of a dissolving union stands.
type Dissolution struct {
	// JobID is 0, and Status "stopped", when no job runs it any more (it
	// failed): repeating the PATCH with members_to starts a new one.
	JobID  int64
	Status string // the job's: pending, running; or stopped
	To     int64
	Total  int64
	DissolveProgress
	// Remaining counts the members still on the union's roll.
	Remaining int64
}

var (
	errHasMembers = service.E(service.KindConflict, "该工会还有在册会员，不能撤销或变更类型；撤销时可用 members_to 指定会员转入的工会")
	errDissolving = service.E(service.KindConflict, "该工会正在撤销，会员转移完成后自动撤销，请稍后刷新")
	errIsTarget   = service.E(service.KindConflict, "其他工会的会员正在转入该工会，请待转移完成后再撤销或变更类型")
	errImporting  = service.E(service.KindConflict, "该工会有正在进行的会员导入，请待导入完成后再撤销或变更类型")
	errBadTarget  = service.InvalidField("members_to", "请选择另一个正常接收会员的基层工会")
)

// checkNoLiveWork refuses to dissolve or retype o while a job still works
// on it: its own dissolution, another union's dissolution into it, or an
// import filling its roll.
func (s *Service) checkNoLiveWork(ctx context.Context, o *model.Org) error {
	own, err := s.jobs.Live(ctx, JobDissolve, o.ID)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		return errDissolving
	}
	all, err := s.jobs.Live(ctx, JobDissolve, 0)
	if err != nil {
		return err
	}
	for _, j := range all {
		var p DissolvePayload
		if j.Decode(&p) == nil && p.To == o.ID {
			return errIsTarget
		}
	}
	imports, err := s.jobs.Live(ctx, importJobKind, o.ID)
	if err != nil {
		return err
	}
	if len(imports) > 0 {
		return errImporting
	}
	return nil
}

// startDissolution queues the job that moves o's members on the roll to
// union to (a grassroots union in the caller's scope that takes members;
// 404 outside the scope), in the caller's transaction, and returns its id.
func (s *Service) startDissolution(ctx context.Context, sc access.Scope, o *model.Org, to int64) (int64, error) {
	target, err := s.inScope(ctx, sc, access.OrgCreate, to)
	if err != nil {
		return 0, err
	}
	if target.ID == o.ID || target.Type != model.OrgGrassroots || target.Status != model.OrgActive || !target.AcceptsApplications {
		return 0, errBadTarget
	}
	n, err := s.membersOnRoll(ctx, o.ID)
	if err != nil {
		return 0, err
	}
	return s.jobs.Enqueue(ctx, JobDissolve, o.ID, sc.UserID, DissolvePayload{To: target.ID, Total: n})
}

// Dissolution returns where the dissolution of o stands; nil unless o is
// dissolving.
func (s *Service) Dissolution(ctx context.Context, o *model.Org) (*Dissolution, error) {
	if o.Status != model.OrgDissolving {
		return nil, nil
	}
	remaining, err := s.membersOnRoll(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	d := &Dissolution{Status: "stopped", Remaining: remaining}
	live, err := s.jobs.Live(ctx, JobDissolve, o.ID)
	if err != nil || len(live) == 0 {
		return d, err
	}
	j := live[len(live)-1]
	var p DissolvePayload
	if err := j.Decode(&p); err != nil {
		return nil, fmt.Errorf("dissolution job %d: payload: %w", j.ID, err)
	}
	d.JobID, d.Status, d.To, d.Total = j.ID, j.Status, p.To, p.Total
	if len(j.Result) > 0 {
		if err := json.Unmarshal(j.Result, &d.DissolveProgress); err != nil {
			return nil, fmt.Errorf("dissolution job %d: progress: %w", j.ID, err)
		}
	}
	return d, nil
}

// FinishDissolution dissolves union id, which a dissolution job has
// emptied, and reports whether it is dissolved. It is false, with nothing
// changed, while members are still on the roll (one joined meanwhile:
// the job moves it and tries again). A union already dissolved is done
// (an earlier attempt of the job got here before its node died).
func (s *Service) FinishDissolution(ctx context.Context, id, actor, jobID int64, p DissolveProgress) (bool, error) {
	done := false
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		o, err := s.orgs.Get(ctx, id)
		if err != nil {
			return err
		}
		if o.Status == model.OrgDissolved {
			done = true
			return nil
		}
		if o.Status != model.OrgDissolving {
			return fmt.Errorf("org %d is %s, not dissolving", id, o.Status)
		}
		if n, err := s.membersOnRoll(ctx, id); err != nil || n > 0 {
			return err
		}
		next := *o
		next.Status, next.UpdatedAt = model.OrgDissolved, s.now().UTC()
		if err := s.orgs.Update(ctx, o.ID, o.Version, map[string]any{"status": next.Status, "updated_at": next.UpdatedAt}); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale // a profile edit meanwhile: the job tries again
			}
			return err
		}
		next.Version = o.Version + 1
		if err := s.forgetBoundAt(ctx, o.ID); err != nil {
			return err
		}
		if err := s.counted(ctx, o, &next); err != nil {
			return err
		}
		done = true
		return s.record(ctx, audit.Entry{ActorID: actor, OrgID: o.ID, Action: "org.dissolve", Target: "org:" + itoa(o.ID),
			Detail: map[string]any{"job_id": itoa(jobID), "members_moved": p.Moved,
				"applications_rejected": p.Applications, "transfers_rejected": p.Transfers}})
	})
	return done, err
}
