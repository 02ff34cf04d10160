package membership

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
)

// AfterTransfer runs inside the transaction that created a transfer (to
// store an idempotent reply with it).
type AfterTransfer func(ctx context.Context, t *model.Transfer) error

// RequestTransfer asks to move the caller's membership to another
// grassroots union; the destination decides. One pending transfer per
// member (the unique pending_key decides).
func (s *Service) RequestTransfer(ctx context.Context, userID, toOrgID int64, reason string, after AfterTransfer) (*model.Transfer, error) {
	reason = strings.TrimSpace(reason)
	var bad []service.FieldError
	if toOrgID == 0 {
		bad = append(bad, service.FieldError{Field: "to_org_id", Message: "请选择要转入的工会"})
	}
	if utf8.RuneCountInString(reason) > 500 {
		bad = append(bad, service.FieldError{Field: "reason", Message: "原因不能超过500字"})
	} else if err := codes.CheckText(reason, "原因"); err != nil {
		bad = append(bad, service.FieldError{Field: "reason", Message: err.Error()})
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	var out *model.Transfer
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		m, err := s.members.OnRollForUser(ctx, userID)
		if errors.Is(err, model.ErrNotFound) {
			return errNotMember
		}
		if err != nil {
			return err
		}
		if m.Status == model.MemberSuspended {
			return service.E(service.KindConflict, "会籍暂停期间不能办理转会")
		}
		to, err := s.orgs.Get(ctx, toOrgID)
		if err != nil || to.Type != model.OrgGrassroots || to.Status != model.OrgActive || !to.AcceptsApplications {
			return service.InvalidField("to_org_id", "该工会暂不接收会员转入，请选择其他工会")
		}
		if to.ID == m.OrgID {
			return service.InvalidField("to_org_id", "您已是该工会的会员")
		}
		now := s.now().UTC()
		t := &model.Transfer{ID: model.NewID(), MemberID: m.ID, UserID: userID, FromOrgID: m.OrgID, ToOrgID: to.ID,
			Status: model.TransferPending, PendingKey: &m.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
		if reason != "" {
			t.Reason = &reason
		}
		if err := s.transfers.Create(ctx, t); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return service.E(service.KindConflict, "您已有一份待处理的转会申请")
			}
			return err
		}
		out = t
		if after != nil {
			return after(ctx, t)
		}
		return nil
	})
	return out, err
}

// Transfers lists transfers into unions in the caller's scope.
func (s *Service) Transfers(ctx context.Context, sc access.Scope, orgID int64, status string, p model.Page) ([]model.Transfer, *string, error) {
	switch status {
	case "", model.TransferPending, model.TransferApproved, model.TransferRejected:
	default:
		return nil, nil, service.E(service.KindMalformed, "参数 status 应为 pending、approved 或 rejected")
	}
	if id, single := sc.SingleUnion(access.Review); orgID == 0 && single {
		orgID = id
	}
	rows, err := s.transfers.ListForDestination(ctx, sc.Paths(access.Review), orgID, status, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(t model.Transfer) model.Cursor { return model.Cursor{At: t.CreatedAt, ID: t.ID} })
	return rows, next, nil
}

// DecideTransfer approves or rejects a pending transfer into a union in the
// caller's scope. Approval moves the member (same member number, same
// history), writes 转出 and 转入 events, updates both unions' counters and
// tells the member.
func (s *Service) DecideTransfer(ctx context.Context, sc access.Scope, id int64, approve bool, reason string) (*model.Transfer, error) {
	reason = strings.TrimSpace(reason)
	if !approve && (reason == "" || utf8.RuneCountInString(reason) > 500) {
		return nil, service.InvalidField("reason", "请填写不同意的原因（不超过500字）")
	}
	if err := codes.CheckText(reason, "原因"); err != nil {
		return nil, service.InvalidField("reason", err.Error())
	}
	var out *model.Transfer
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := s.transfers.GetForDestination(ctx, id, sc.Paths(access.Review))
		if errors.Is(err, model.ErrNotFound) {
			return service.E(service.KindNotFound, "没有找到该转会申请")
		}
		if err != nil {
			return err
		}
		if t.Status != model.TransferPending {
			return service.E(service.KindConflict, "该转会申请已处理")
		}
		now := s.now().UTC()
		status := model.TransferRejected
		if approve {
			status = model.TransferApproved
		}
		fields := map[string]any{"status": status, "decided_by": sc.UserID, "decided_at": now, "updated_at": now}
		if reason != "" {
			fields["decision_reason"] = reason
		}
		if err := s.transfers.Decide(ctx, t.ID, t.Version, fields); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return service.E(service.KindConflict, "该转会申请已处理")
			}
			return err
		}
		if approve {
			if err := s.moveMember(ctx, t, sc.UserID, reason); err != nil {
				return err
			}
			s.invalidate(ctx, t.MemberID)
		}
		if err := s.tellTransfer(ctx, t, approve, reason); err != nil {
			return err
		}
		action := "transfer.reject"
		if approve {
			action = "transfer.approve"
		}
		if err := s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: t.ToOrgID, Action: action,
			Target: "transfer:" + itoa(t.ID), Detail: map[string]any{"member_id": itoa(t.MemberID), "reason": reason}}); err != nil {
			return err
		}
		out, err = s.transfers.GetForDestination(ctx, t.ID, sc.Paths(access.Review))
		return err
	})
	return out, err
}

func (s *Service) moveMember(ctx context.Context, t *model.Transfer, actor int64, reason string) error {
	m, err := s.members.Get(ctx, t.MemberID)
	if err != nil {
		return err
	}
	if !onRoll(m.Status) || m.OrgID != t.FromOrgID {
		return service.E(service.KindConflict, "会员的会籍已变化，不能再办理此转会")
	}
	to, err := s.orgs.Get(ctx, t.ToOrgID)
	if err != nil {
		return err
	}
	if to.Status != model.OrgActive {
		return errUnionClosed // dissolving: it takes nobody new
	}
	now := s.now().UTC()
	if err := s.members.Update(ctx, m.ID, m.Version, map[string]any{"org_id": t.ToOrgID, "updated_at": now}); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return errStale
		}
		return err
	}
	after := *m
	after.OrgID, after.Version, after.UpdatedAt = t.ToOrgID, m.Version+1, now
	var r *string
	if reason != "" {
		r = &reason
	}
	out := &model.MembershipEvent{MemberID: m.ID, Type: "transfer_out", Reason: r, FromOrgID: &t.FromOrgID, ToOrgID: &t.ToOrgID, ActorID: &actor}
	if err := s.changed(ctx, m, &after, out); err != nil {
		return err
	}
	in := &model.MembershipEvent{MemberID: m.ID, Type: "transfer_in", Reason: r, FromOrgID: &t.FromOrgID, ToOrgID: &t.ToOrgID, ActorID: &actor}
	if err := s.changed(ctx, nil, nil, in); err != nil {
		return err
	}
	return s.tellRecordChanged(ctx, m, in.ID, []string{"org_id"}, "您的会籍已转入"+to.Name+"，会员编号和会籍记录不变。")
}

func (s *Service) tellTransfer(ctx context.Context, t *model.Transfer, approved bool, reason string) error {
	to, err := s.orgs.Get(ctx, t.ToOrgID)
	if err != nil {
		return err
	}
	title, result := "转会申请未通过", "未通过"
	if approved {
		title, result = "转会申请已通过", "已通过"
	}
	body := "转入" + to.Name + "：" + result
	if reason != "" {
		body += "。原因：" + reason
	}
	n := application.Notice{UserID: t.UserID, Kind: "transfer_" + map[bool]string{true: "approved", false: "rejected"}[approved],
		Title: title, Body: body, Data: map[string]any{"transfer_id": itoa(t.ID)}}
	return s.notify(ctx, n) // the notifier reads the openid if a subscribe message goes
}
