package org

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
)

// Create adds a child org under parentID, which must be a federation in
// the caller's subtree (grassroots unions take members, not children).
func (s *Service) Create(ctx context.Context, sc access.Scope, parentID int64, in Input) (*model.Org, error) {
	if parentID == 0 {
		bad := []service.FieldError{{Field: "parent_id", Message: "请选择上级组织"}}
		return nil, service.Invalid(append(bad, CheckNew(in)...))
	}
	var created *model.Org
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		parent, err := s.inScope(ctx, sc, access.OrgCreate, parentID)
		if err != nil { // outside the scope is 404, as if it did not exist
			return err
		}
		var bad []service.FieldError
		if parent.Type != model.OrgFederation {
			bad = append(bad, service.FieldError{Field: "parent_id", Message: "基层工会下不能再建组织"})
		}
		if parent.Status != model.OrgActive {
			bad = append(bad, service.FieldError{Field: "parent_id", Message: "上级组织已撤销"})
		}
		now := s.now().UTC()
		id := model.NewID()
		o := &model.Org{ID: id, ParentID: &parent.ID, Path: parent.ChildPath(id), Depth: parent.Depth + 1,
			Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		bad = append(bad, checkNew(o, in)...)
		if err := service.Invalid(dedupe(bad)); err != nil {
			return err
		}
		if err := s.orgs.Create(ctx, o); err != nil {
			return err
		}
		if err := s.counted(ctx, nil, o); err != nil {
			return err
		}
		created = o
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: o.ID, Action: "org.create", Target: "org:" + itoa(o.ID)})
	})
	return created, err
}

// Get returns org id when the caller may read it.
func (s *Service) Get(ctx context.Context, sc access.Scope, id int64) (*model.Org, error) {
	return s.inScope(ctx, sc, access.OrgRead, id)
}

// Children lists the children of org id, newest first.
func (s *Service) Children(ctx context.Context, sc access.Scope, id int64, p model.Page) ([]model.Org, *string, error) {
	if _, err := s.inScope(ctx, sc, access.OrgRead, id); err != nil {
		return nil, nil, err
	}
	rows, err := s.orgs.Children(ctx, id, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(o model.Org) model.Cursor { return model.Cursor{At: o.CreatedAt, ID: o.ID} })
	return rows, next, nil
}

// Update edits org id's profile. Changing the type or the status (dissolving)
// needs a federation admin above or at the org; a chair edits the profile of
// its own union. version, when given, must be current. Dissolving a union
// with members on the roll needs in.MembersTo: the union is then
// dissolving, and a job (JobDissolve) moves the members and dissolves it.
func (s *Service) Update(ctx context.Context, sc access.Scope, id int64, version *int, in Input) (*model.Org, error) {
	var updated *model.Org
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		o, err := s.inScope(ctx, sc, access.OrgEdit, id)
		if err != nil {
			return err
		}
		if version != nil && *version != o.Version {
			return errStale
		}
		typeChange := in.Type != nil && *in.Type != o.Type
		statusChange := in.Status != nil && *in.Status != o.Status
		if (typeChange || statusChange) && !sc.Covers(access.OrgCreate, o.Path) {
			return service.E(service.KindForbidden, "只有上级总工会可以变更组织类型或撤销组织")
		}
		next := *o
		if err := apply(&next, in); err != nil {
			return err
		}
		dissolve := statusChange && next.Status == model.OrgDissolved
		if o.Status == model.OrgDissolving && statusChange && !dissolve {
			return errDissolving // no way back: members have moved
		}
		var jobID int64
		if typeChange || dissolve {
			if err := s.checkNoLiveWork(ctx, o); err != nil {
				return err
			}
			err := s.checkEmpty(ctx, o)
			if errors.Is(err, errHasMembers) && dissolve && !typeChange && in.MembersTo != 0 {
				jobID, err = s.startDissolution(ctx, sc, o, in.MembersTo)
				next.Status = model.OrgDissolving
			}
			if err != nil {
				return err
			}
		}
		next.UpdatedAt = s.now().UTC()
		fields := map[string]any{
			"name": next.Name, "type": next.Type, "region_code": next.RegionCode, "union_kind": next.UnionKind,
			"unit_name": next.UnitName, "uscc": next.USCC, "unit_type": next.UnitType,
			"industry_code": next.IndustryCode, "address": next.Address, "worker_count": next.WorkerCount,
			"accepts_applications": next.AcceptsApplications, "status": next.Status, "updated_at": next.UpdatedAt,
		}
		if err := s.orgs.Update(ctx, o.ID, o.Version, fields); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale
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
		updated = &next
		action, detail := "org.update", map[string]any(nil)
		switch next.Status {
		case model.OrgDissolved:
			action = "org.dissolve"
		case model.OrgDissolving:
			action, detail = "org.dissolve_start", map[string]any{"members_to": itoa(in.MembersTo), "job_id": itoa(jobID)}
		}
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: o.ID, Action: action, Target: "org:" + itoa(o.ID), Detail: detail})
	})
	return updated, err
}

// checkEmpty refuses to dissolve or retype an org that still has members on
// the roll or live children.
func (s *Service) checkEmpty(ctx context.Context, o *model.Org) error {
	n, err := s.membersOnRoll(ctx, o.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return errHasMembers
	}
	children, err := s.orgs.CountActiveChildren(ctx, o.ID)
	if err != nil {
		return err
	}
	if children > 0 {
		return service.E(service.KindConflict, "该组织还有下级组织，不能撤销或变更类型")
	}
	return nil
}

// PublicGet returns any org's public profile (users browsing or scanning a
// join code).
func (s *Service) PublicGet(ctx context.Context, id int64) (*model.Org, error) {
	o, err := s.orgs.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	return o, err
}

// Search lists the grassroots unions that accept applications, or with
// f.Intake the intake points.
func (s *Service) Search(ctx context.Context, f model.SearchFilter, p model.Page) ([]model.Org, *string, error) {
	rows, err := s.orgs.Search(ctx, f, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(o model.Org) model.Cursor { return model.Cursor{At: o.CreatedAt, ID: o.ID} })
	return rows, next, nil
}

func dedupe(bad []service.FieldError) []service.FieldError {
	seen := map[string]bool{}
	var out []service.FieldError
	for _, f := range bad {
		if !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f)
		}
	}
	return out
}

var errStale = service.E(service.KindConflict, "数据已被他人修改，请刷新后重试")

// Names returns the names of orgs by id, for lists that show them.
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	orgs, err := s.orgs.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(orgs))
	for id, o := range orgs {
		out[id] = o.Name
	}
	return out, nil
}
