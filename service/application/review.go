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
	"github.com/unionhub/unionhub/service/pii"
)

// Decision is what a reviewer decides.
type Decision struct {
	Version int
	Reason  string
}

// Approved is the outcome of an approval: the application and the member
// it put on the roll.
type Approved struct {
	Application *model.Application
	Member      *model.Member
}

// Queue lists the applications in the reviewer's scope, newest first.
// Drafts are the applicant's alone and never listed.
// overdue is "" (no filter), "true" (the overdue applications only) or
// "false" (all but them).
func (s *Service) Queue(ctx context.Context, sc access.Scope, orgID int64, status, overdue string, p model.Page) ([]model.Application, *string, error) {
	if id, single := sc.SingleUnion(access.Review); orgID == 0 && single {
		orgID = id
	}
	f := model.ReviewFilter{Paths: sc.Paths(access.Review), OrgID: orgID}
	if b, bound := sc.BindingAt(orgID); bound && orgID != 0 {
		f.OrgPath = b.OrgPath
	}
	if status != "" {
		switch status {
		case model.AppSubmitted, model.AppApproved, model.AppRejected, model.AppReturned, model.AppWithdrawn:
			f.Statuses = []string{status}
		default:
			return nil, nil, service.E(service.KindMalformed, "参数 status 应为 submitted、approved、rejected、returned 或 withdrawn")
		}
	}
	due, err := s.dueFilter(overdue)
	if err != nil {
		return nil, nil, err
	}
	f.Due = due
	rows, err := s.apps.ListForReview(ctx, f, p)
	if err != nil {
		return nil, nil, err
	}
	rows, next := model.NextCursor(rows, p, appCursor)
	return rows, next, nil
}

// Detail returns an application in scope, and what of it the caller may
// not see in clear (Withheld: after a withdrawal of consent or a transfer
// out); every such read is written to the audit log.
func (s *Service) Detail(ctx context.Context, sc access.Scope, id int64) (*model.Application, Withheld, error) {
	a, err := s.apps.GetInScope(ctx, id, sc.Paths(access.Review))
	if err != nil {
		return nil, Withheld{}, notFound(err)
	}
	w, err := s.withheld(ctx, sc, a)
	if err != nil {
		return nil, Withheld{}, err
	}
	var detail map[string]any
	if w.Any() {
		detail = map[string]any{"withheld": w.Reason}
	}
	return a, w, s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: a.OrgID, Action: "application.read_pii",
		Target: "application:" + idText(a.ID), Detail: detail})
}

// Approve puts the applicant on the roll. The conditional UPDATE decides
// between concurrent approvals; the member row's unique roll_key refuses a
// person already on the roll (40901). Member, event, notice and audit row
// commit together or not at all.
func (s *Service) Approve(ctx context.Context, sc access.Scope, id int64, d Decision) (*Approved, error) {
	var out *Approved
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		dc, err := s.decidable(ctx, sc, id, d)
		if err != nil {
			return err
		}
		a, o := &dc.Application, &dc.Org
		if o.Type != model.OrgGrassroots { // an intake point takes no members
			return service.InvalidField("org_id", "该申请在属地总工会，请先分配到基层工会再审批")
		}
		if o.Status != model.OrgActive {
			return errUnionClosed
		}
		now := s.now().UTC()
		memberID := model.NewID() // known now, so the one UPDATE links the member
		if err := s.apps.Transition(ctx, a.ID, d.Version, []string{model.AppSubmitted}, map[string]any{
			"status": model.AppApproved, "open_key": nil, "reviewed_by": sc.UserID, "reviewed_at": now, "updated_at": now,
			"member_id": memberID,
		}); err != nil {
			return stale(err)
		}
		m, err := s.enrol(ctx, a, o, memberID, dc.UserPhoneIdx, sc.UserID)
		if err != nil {
			return err
		}
		if err := s.counted(ctx, a, o, model.AppSubmitted, model.AppApproved, m); err != nil {
			return err
		}
		if err := s.logMove(ctx, a, d.Version+1, model.EventApproved, a.OrgID, ""); err != nil {
			return err
		}
		if err := s.afterDecision(ctx, sc, a, o, model.AppApproved, "", "application.approve"); err != nil {
			return err
		}
		// What the UPDATE wrote, without reading it back.
		after := *a
		after.Status, after.OpenKey, after.Version, after.MemberID = model.AppApproved, nil, a.Version+1, &memberID
		after.ReviewedBy, after.ReviewedAt, after.UpdatedAt = &sc.UserID, &now, now
		out = &Approved{Application: &after, Member: m}
		return nil
	})
	return out, err
}

// Reject refuses an application; a reason is required.
func (s *Service) Reject(ctx context.Context, sc access.Scope, id int64, d Decision) (*model.Application, error) {
	return s.decide(ctx, sc, id, d, model.AppRejected, "application.reject")
}

// Return sends an application back to the applicant to fix; a reason is
// required.
func (s *Service) Return(ctx context.Context, sc access.Scope, id int64, d Decision) (*model.Application, error) {
	return s.decide(ctx, sc, id, d, model.AppReturned, "application.return")
}

func (s *Service) decide(ctx context.Context, sc access.Scope, id int64, d Decision, to, action string) (*model.Application, error) {
	reason := strings.TrimSpace(d.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, service.InvalidField("reason", "请填写原因（不超过500字），申请人会看到它")
	}
	if err := codes.CheckText(reason, "原因"); err != nil {
		return nil, service.InvalidField("reason", err.Error())
	}
	var out *model.Application
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		dc, err := s.decidable(ctx, sc, id, d)
		if err != nil {
			return err
		}
		a, o := &dc.Application, &dc.Org
		now := s.now().UTC()
		fields := map[string]any{"status": to, "review_reason": reason, "reviewed_by": sc.UserID,
			"reviewed_at": now, "updated_at": now}
		if to == model.AppRejected {
			fields["open_key"] = nil
		}
		if err := s.apps.Transition(ctx, a.ID, d.Version, []string{model.AppSubmitted}, fields); err != nil {
			return stale(err)
		}
		if err := s.counted(ctx, a, o, model.AppSubmitted, to, nil); err != nil {
			return err
		}
		if err := s.logMove(ctx, a, d.Version+1, to, a.OrgID, reason); err != nil { // the kinds are the statuses
			return err
		}
		if err := s.afterDecision(ctx, sc, a, o, to, reason, action); err != nil {
			return err
		}
		out, err = s.apps.Get(ctx, a.ID)
		return err
	})
	return out, err
}

// decidable loads an application in scope that can be decided now, with
// its union and the applicant's bound phone, in one read.
func (s *Service) decidable(ctx context.Context, sc access.Scope, id int64, d Decision) (*model.Decidable, error) {
	dc, err := s.apps.Decidable(ctx, id, sc.Paths(access.Review))
	if err != nil {
		return nil, notFound(err)
	}
	if dc.Status != model.AppSubmitted || dc.Version != d.Version {
		return nil, errStale
	}
	return dc, nil
}

// enrol creates member id, the record of an approved application, with the
// phone the applicant has bound (phoneIdx, nil for none).
func (s *Service) enrol(ctx context.Context, a *model.Application, o *model.Org, id int64, phoneIdx *string, actor int64) (*model.Member, error) {
	if a.IDNumberEnc == nil || a.IDNumberIdx == nil {
		return nil, errors.New("approved application without an ID number")
	}
	no, err := s.members.NextMemberNo(ctx, o.RegionCode)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	idEnc, err := s.pii.Reseal(pii.ApplicationIDNumber.Row(a.ID), pii.MemberIDNumber.Row(id), *a.IDNumberEnc)
	if err != nil {
		return nil, err
	}
	var phoneEnc *string
	if a.PhoneEnc != nil {
		p, err := s.pii.Reseal(pii.ApplicationPhone.Row(a.ID), pii.MemberPhone.Row(id), *a.PhoneEnc)
		if err != nil {
			return nil, err
		}
		phoneEnc = &p
	}
	m := &model.Member{ID: id, MemberNo: no, UserID: &a.UserID, OrgID: a.OrgID, Status: model.MemberActive,
		Person: a.Person, IDNumberEnc: idEnc, IDNumberIdx: *a.IDNumberIdx, RollKey: a.IDNumberIdx,
		PhoneEnc: phoneEnc, PhoneIdx: phoneIdx, Employment: a.Employment, PhotoUploadID: a.PhotoUploadID,
		JoinedOn: now.In(s.loc).Format("2006-01-02"), CardVersion: 1, Version: 1, ApplicationID: &a.ID,
		CreatedAt: now, UpdatedAt: now}
	if err := s.members.Create(ctx, m); err != nil {
		if errors.Is(err, model.ErrDuplicate) {
			return nil, service.E(service.KindOnRoll, "该证件号码已是在册会员，不能重复入会")
		}
		return nil, err
	}
	code, _ := codes.NationalChangeType("join")
	ev := &model.MembershipEvent{ID: model.NewID(), MemberID: m.ID, Type: "join", NationalCode: &code,
		ToOrgID: &a.OrgID, ActorID: &actor, CreatedAt: now}
	return m, s.members.AddEvent(ctx, ev)
}

// afterDecision tells the applicant, schedules the ID-card images for
// deletion and writes the audit row, all in the decision's transaction.
func (s *Service) afterDecision(ctx context.Context, sc access.Scope, a *model.Application, o *model.Org, to, reason, action string) error {
	if to != model.AppReturned {
		at := s.now().UTC().Add(s.idImageRetention)
		var ids []int64
		for _, p := range []*int64{a.IDCardFrontUploadID, a.IDCardBackUploadID} {
			if p != nil {
				ids = append(ids, *p)
			}
		}
		if err := s.uploads.SetDeleteAfter(ctx, ids, &at); err != nil {
			return err
		}
	}
	if err := s.tell(ctx, a, o, to, reason); err != nil {
		return err
	}
	return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: a.OrgID, Action: action,
		Target: "application:" + idText(a.ID), Detail: map[string]any{"reason": reason}})
}

func stale(err error) error {
	if errors.Is(err, model.ErrConflict) {
		return errStale
	}
	return err
}

func idText(id int64) string { return itoa(id) }
