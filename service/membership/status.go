package membership

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

// eventFor names the history event of a move to status.
func eventFor(from, to string) string {
	switch to {
	case model.MemberRetained:
		return "retain"
	case model.MemberSuspended:
		return "suspend"
	case model.MemberActive:
		return "restore"
	case model.MemberLeft:
		return "leave"
	case model.MemberRemoved:
		return "remove"
	case model.MemberDeceased:
		return "death"
	}
	return "correction"
}

// StatusChange is an admin's move of a member to another status.
type StatusChange struct {
	Status  string
	Reason  string
	Version *int
}

// ChangeStatus moves a member in scope: among the statuses on the roll, or
// off it (left, removed, deceased — final). The card follows at once.
func (s *Service) ChangeStatus(ctx context.Context, sc access.Scope, id int64, ch StatusChange) (*model.Member, error) {
	reason := strings.TrimSpace(ch.Reason)
	var bad []service.FieldError
	switch ch.Status {
	case model.MemberActive, model.MemberRetained, model.MemberSuspended, model.MemberLeft, model.MemberRemoved, model.MemberDeceased:
	default:
		bad = append(bad, service.FieldError{Field: "status", Message: "状态应为 active、retained、suspended、left、removed 或 deceased"})
	}
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		bad = append(bad, service.FieldError{Field: "reason", Message: "请填写变更原因（不超过500字）"})
	} else if err := codes.CheckText(reason, "变更原因"); err != nil {
		bad = append(bad, service.FieldError{Field: "reason", Message: err.Error()})
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	var out *model.Member
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		m, err := s.members.GetInScope(ctx, id, sc.Paths(access.Review))
		if err != nil {
			return notFound(err)
		}
		if ch.Version != nil && *ch.Version != m.Version {
			return errStale
		}
		var eventID int64
		out, eventID, err = s.move(ctx, m, ch.Status, reason, sc.UserID)
		if err != nil {
			return err
		}
		if err := s.tellRecordChanged(ctx, m, eventID, []string{"status"}, "工会变更了您的会籍状态（"+statusName(ch.Status)+"）。"); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: m.OrgID, Action: "member.status",
			Target: "member:" + itoa(m.ID), Detail: map[string]any{"from": m.Status, "to": ch.Status, "reason": reason}})
	})
	return out, err
}

// move applies a status move inside the caller's transaction and returns
// the member after it and the id of the event recording it.
func (s *Service) move(ctx context.Context, m *model.Member, to, reason string, actor int64) (*model.Member, int64, error) {
	if !onRoll(m.Status) {
		return nil, 0, service.E(service.KindConflict, "该会员已不在册，状态不能再变更；如需重新入会请重新申请")
	}
	if m.Status == to {
		return nil, 0, service.E(service.KindConflict, "会员已是该状态")
	}
	next := *m
	next.Status = to
	next.UpdatedAt = s.now().UTC()
	fields := map[string]any{"status": to, "updated_at": next.UpdatedAt}
	if !onRoll(to) {
		next.RollKey = nil
		fields["roll_key"] = nil
		if err := s.transfers.CancelPending(ctx, m.ID, next.UpdatedAt); err != nil {
			return nil, 0, err
		}
	}
	if err := s.members.Update(ctx, m.ID, m.Version, fields); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return nil, 0, errStale
		}
		return nil, 0, err
	}
	next.Version = m.Version + 1
	s.invalidate(ctx, m.ID) // the card follows at once
	var after *model.Member
	if onRoll(to) {
		after = &next
	}
	ev := &model.MembershipEvent{MemberID: m.ID, Type: eventFor(m.Status, to), Reason: &reason,
		FromOrgID: &m.OrgID, ActorID: &actor}
	if err := s.changed(ctx, m, after, ev); err != nil {
		return nil, 0, err
	}
	return &next, ev.ID, nil
}

// Leave takes the caller off the roll (退会); they may apply again later.
func (s *Service) Leave(ctx context.Context, userID int64, reason string) (*model.Member, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 {
		return nil, service.InvalidField("reason", "原因不能超过500字")
	}
	if err := codes.CheckText(reason, "原因"); err != nil {
		return nil, service.InvalidField("reason", err.Error())
	}
	if reason == "" {
		reason = "个人要求退会"
	}
	var out *model.Member
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		m, err := s.members.OnRollForUser(ctx, userID)
		if errors.Is(err, model.ErrNotFound) {
			return errNotMember
		}
		if err != nil {
			return err
		}
		out, _, err = s.move(ctx, m, model.MemberLeft, reason, userID)
		return err
	})
	return out, err
}

// statusName is a member status as a worker reads it.
func statusName(status string) string {
	if e, ok := codes.MemberStatus().ByCode(status); ok {
		return e.Name
	}
	return status
}
