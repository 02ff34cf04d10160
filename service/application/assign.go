package application

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
)

// Assignment is where a federation admin sends an application.
type Assignment struct {
	Version int
	OrgID   int64
	Reason  string // optional; the applicant sees it
}

// Assign moves a submitted application to the queue of a grassroots union
// (API.md §11): from an intake point, where a worker whose employer has no
// union applied, to the union that will take the worker; or, once overdue
// and escalated, from the union that let it lapse. An application in its
// union's queue within its period is that union's to decide (409).
// Both the application and the union must lie in the caller's assign scope
// (else 404, as if they did not exist); the application must still be
// submitted at in.Version (409); the union must be another, active one
// that accepts applications (422 on org_id). The move, its counters, its
// timeline event, the applicant's notice and the audit row commit
// together.
func (s *Service) Assign(ctx context.Context, sc access.Scope, id int64, in Assignment) (*model.Application, error) {
	reason := strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(reason) > 500 {
		return nil, service.InvalidField("reason", "原因不能超过500字，申请人会看到它")
	}
	if err := codes.CheckText(reason, "原因"); reason != "" && err != nil {
		return nil, service.InvalidField("reason", err.Error())
	}
	if in.OrgID == 0 {
		return nil, service.InvalidField("org_id", "请选择要分配到的基层工会")
	}
	paths := sc.Paths(access.Assign)
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.apps.GetInScope(ctx, id, paths)
		if err != nil {
			return notFound(err)
		}
		to, err := s.orgs.GetInScope(ctx, in.OrgID, paths)
		if errors.Is(err, model.ErrNotFound) {
			return errUnionNotFound
		}
		if err != nil {
			return err
		}
		from, err := s.orgs.Get(ctx, a.OrgID)
		if err != nil {
			return err
		}
		switch { // a stale view is 409 first: where it is now may be its answer
		case a.Status != model.AppSubmitted || a.Version != in.Version:
			return errStale
		case !assignable(a, from):
			return errNotAssignable
		case to.ID == a.OrgID:
			return service.InvalidField("org_id", "申请已在该组织，请选择其他基层工会")
		case to.Type != model.OrgGrassroots || to.Status != model.OrgActive || !to.AcceptsApplications:
			return service.InvalidField("org_id", "只能分配到接受入会申请的基层工会")
		}
		if err := s.apps.Transition(ctx, a.ID, in.Version, []string{model.AppSubmitted},
			map[string]any{"org_id": to.ID, "updated_at": s.now().UTC()}); err != nil {
			return stale(err)
		}
		moved := *a
		moved.OrgID, moved.Version = to.ID, in.Version+1
		if err := s.afterAssign(ctx, sc, &moved, from, to, reason); err != nil {
			return err
		}
		out, err = s.apps.Get(ctx, a.ID)
		return err
	})
	return out, err
}

// afterAssign moves the pending count, records the move, tells the
// applicant and writes the audit row (last: the audit head is the last
// lock a transaction takes), in the assignment's transaction.
func (s *Service) afterAssign(ctx context.Context, sc access.Scope, a *model.Application, from, to *model.Org, reason string) error {
	if s.stats != nil {
		if err := s.stats.ApplicationAssigned(ctx, a, from.ID); err != nil {
			return err
		}
	}
	if err := s.logMove(ctx, a, a.Version, model.EventAssigned, to.ID, reason); err != nil {
		return err
	}
	if err := s.tellAssigned(ctx, a, from, to, reason); err != nil {
		return err
	}
	return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: from.ID, Action: "application.assign",
		Target: "application:" + idText(a.ID),
		Detail: map[string]any{"from_org_id": itoa(from.ID), "to_org_id": itoa(to.ID), "reason": reason}})
}

var errUnionNotFound = service.E(service.KindNotFound, "没有找到该工会")

// errNotAssignable: the application sits in a union's queue and is not
// overdue: that union decides it.
var errNotAssignable = service.E(service.KindConflict, "只有接收点的申请或已超期上报的申请可以转派")

// assignable reports whether a, sitting at org at, may be handed to a
// union now: submitted, at an intake point (a federation org, where it
// cannot be approved) or escalated to the parent federation once overdue.
func assignable(a *model.Application, at *model.Org) bool {
	return a.Status == model.AppSubmitted && (at.Type == model.OrgFederation || a.EscalatedAt != nil)
}
