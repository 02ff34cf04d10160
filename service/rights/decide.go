package rights

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
)

// Notification kinds of a decision.
const (
	KindApproved = "rights_request_approved"
	KindRejected = "rights_request_rejected"
)

// List lists the requests of the unions in the caller's scope (the
// member's union and its ancestors), newest first. status filters;
// overdue is "", "true" or "false".
func (s *Service) List(ctx context.Context, sc access.Scope, orgID int64, status, overdue string, p model.Page) ([]model.RightsRow, *string, error) {
	f := model.RightsFilter{Paths: sc.Paths(access.Rights), OrgID: orgID, Status: status, Today: s.Today().String()}
	switch status {
	case "", model.RightsPending, model.RightsApproved, model.RightsRejected:
	default:
		return nil, nil, service.E(service.KindMalformed, "参数 status 应为 pending、approved 或 rejected")
	}
	switch overdue {
	case "":
	case "true", "false":
		want := overdue == "true"
		f.Overdue = &want
	default:
		return nil, nil, service.E(service.KindMalformed, "参数 overdue 应为 true 或 false")
	}
	if id, single := sc.SingleUnion(access.Rights); orgID == 0 && single {
		f.OrgID = id
	}
	rows, err := s.requests.List(ctx, f, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, func(r model.RightsRow) model.Cursor { return model.Cursor{At: r.CreatedAt, ID: r.ID} })
	return rows, next, nil
}

// Decision is an admin's answer to a request.
type Decision struct {
	Approve bool
	Version *int
	Reason  string
}

// Decide approves or rejects a pending request of a union in the caller's
// scope, at its current version. Approving a correction of a member record
// applies it through the admin's correction (event correction, audit,
// counters, record_changed) in the same transaction; approving a not_me
// request, or a correction of an application, records the decision only:
// the admins then act (correct, change the status, return the
// application), and each such act tells the person again. Rejecting needs
// a reason, which the person is told.
func (s *Service) Decide(ctx context.Context, sc access.Scope, id int64, d Decision) (*model.RightsRequest, error) {
	var bad []service.FieldError
	if d.Version == nil {
		bad = append(bad, service.FieldError{Field: "version", Message: "缺少版本号，请刷新后重试"})
	}
	reason := strings.TrimSpace(d.Reason)
	if utf8.RuneCountInString(reason) > 500 || (!d.Approve && reason == "") {
		bad = append(bad, service.FieldError{Field: "reason", Message: "请填写处理意见（不超过500字）"})
	} else if err := codes.CheckText(reason, "处理意见"); err != nil {
		bad = append(bad, service.FieldError{Field: "reason", Message: err.Error()})
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	var out *model.RightsRequest
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		r, err := s.requests.GetInScope(ctx, id, sc.Paths(access.Rights))
		if errors.Is(err, model.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if r.Status != model.RightsPending {
			return errNotPending
		}
		if *d.Version != r.Version {
			return errStale
		}
		now := s.now().UTC()
		status := model.RightsRejected
		if d.Approve {
			status = model.RightsApproved
		}
		fields := map[string]any{"status": status, "decided_by": sc.UserID, "decided_at": now, "updated_at": now}
		if reason != "" {
			fields["decision_reason"] = reason
		}
		if err := s.requests.Decide(ctx, r.ID, r.Version, fields); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale
			}
			return err
		}
		if d.Approve && r.Kind == model.RightsCorrection && r.MemberID != nil {
			if err := s.apply(ctx, sc, r); err != nil {
				return err
			}
		}
		if err := s.tell(ctx, r, d.Approve, reason); err != nil {
			return err
		}
		action := map[bool]string{true: "rights.approve", false: "rights.reject"}[d.Approve]
		if err := s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: r.OrgID, Action: action,
			Target: "rights_request:" + strconv.FormatInt(r.ID, 10), Detail: map[string]any{"kind": r.Kind, "reason": reason}}); err != nil {
			return err
		}
		out, err = s.requests.Get(ctx, r.ID)
		return err
	})
	return out, err
}

// apply makes the correction r asks for, as the deciding admin, on the
// member's current version.
func (s *Service) apply(ctx context.Context, sc access.Scope, r *model.RightsRequest) error {
	f, err := s.Requested(r)
	if err != nil {
		return err
	}
	m, err := s.members.Get(ctx, sc, *r.MemberID)
	var se *service.Error
	if errors.As(err, &se) && se.Kind == service.KindNotFound {
		return service.E(service.KindConflict, "该会员已不在您的管理范围内（可能已转会），无法按申请更正")
	}
	if err != nil {
		return err
	}
	c := f.correction()
	c.Version = &m.Version
	c.Reason = "应本人申请更正（申请编号 " + strconv.FormatInt(r.ID, 10) + "）"
	_, err = s.members.CorrectTx(ctx, sc, m.ID, c)
	return err
}

// tell tells the person the outcome, in the decision's transaction.
func (s *Service) tell(ctx context.Context, r *model.RightsRequest, approved bool, reason string) error {
	what := map[string]string{model.RightsCorrection: "信息更正申请", model.RightsNotMe: "异议申请"}[r.Kind]
	n := application.Notice{UserID: r.UserID, Kind: KindRejected, Title: "您的" + what + "未获同意",
		Data: map[string]any{"request_id": strconv.FormatInt(r.ID, 10), "kind": r.Kind, "reason": reason}}
	switch {
	case !approved:
		n.Body = "原因：" + reason
	case r.Kind == model.RightsCorrection && r.MemberID != nil:
		n.Kind, n.Title, n.Body = KindApproved, "您的"+what+"已通过", "您的会员信息已按申请更正。"
	case r.Kind == model.RightsCorrection:
		n.Kind, n.Title, n.Body = KindApproved, "您的"+what+"已通过", "工会将退回您的入会申请，请按申请内容修改后重新提交。"
	default:
		n.Kind, n.Title, n.Body = KindApproved, "您的"+what+"已受理", "工会已核实您的异议，将据此处理您的会员记录，处理结果会另行通知。"
	}
	if approved && reason != "" {
		n.Body += "说明：" + reason
	}
	return s.notify(ctx, n)
}
