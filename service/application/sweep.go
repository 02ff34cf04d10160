package application

import (
	"context"
	"fmt"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/pii"
)

// sweepBatch is how many applications a sweep reads at a time.
const sweepBatch = 200

// Sweep counts the deadline notices one sweep sent (each to every admin
// it concerns), and the applications it gave the due date they lacked
// (backfillDue).
type Sweep struct {
	Reminders, DueDay, Escalations int
	Backfilled                     int
}

// SweepDeadlines sends the deadline notices due today (API.md §11): to the
// admins of the application's org 3 working days before its due date and
// on it, and, once it is overdue, to the admins of the parent federation,
// whose queue then shows it escalated (they have it in scope, so they may
// decide it). Run it as a leased periodic task; it is also safe to run on
// several nodes at once, or again after a node died in the middle: each
// notice is recorded on its application in the transaction that writes
// it (model.ApplicationStore.MarkNotice), so it goes out exactly once.
// Missed days are caught up with the latest notice only: an application
// found overdue is escalated without the reminders it missed. It first
// dates a bounded number of applications submitted before due dates
// existed (backfillDue), which then take part like the others.
//
// The notices are in-app only. A WeChat subscribe message needs the
// admin's consent to that template, and there is no ledger of those
// consents yet; once there is, send one where it allows.
func (s *Service) SweepDeadlines(ctx context.Context) (Sweep, error) {
	var out Sweep
	var err error
	if out.Backfilled, err = s.backfillDue(ctx); err != nil {
		return out, fmt.Errorf("due dates of earlier submissions: %w", err)
	}
	today := s.Today()
	dueBy := s.calendar.AddWorkingDays(today, RemindWorkingDays).String()
	afterDue, afterID := "", int64(0)
	for {
		rows, err := s.apps.DeadlineCandidates(ctx, dueBy, afterDue, afterID, sweepBatch)
		if err != nil {
			return out, err
		}
		for i := range rows {
			a := &rows[i]
			column := s.noticeDue(a, today)
			if column == "" {
				continue
			}
			sent, err := s.sendDeadlineNotice(ctx, a, column)
			if err != nil {
				return out, fmt.Errorf("deadline notice for application %d: %w", a.ID, err)
			}
			if sent {
				switch column {
				case model.NoticeReminder:
					out.Reminders++
				case model.NoticeDueDay:
					out.DueDay++
				default:
					out.Escalations++
				}
			}
		}
		if len(rows) < sweepBatch {
			return out, nil
		}
		last := rows[len(rows)-1]
		afterDue, afterID = *last.DueOn, last.ID
	}
}

// noticeDue returns the notice a is due today ("" for none): escalation
// after its due date, the due-day reminder on it, the reminder from 3
// working days before it.
func (s *Service) noticeDue(a *model.Application, today calendar.Date) string {
	due, err := calendar.ParseDate(*a.DueOn)
	if err != nil {
		s.log.Error("application with a bad due date", "application_id", a.ID, "due_on", *a.DueOn)
		return ""
	}
	switch {
	case today.After(due):
		return model.NoticeEscalated
	case today == due && a.DueRemindedAt == nil:
		return model.NoticeDueDay
	case today.Before(due) && a.RemindedAt == nil &&
		!today.Before(s.calendar.AddWorkingDays(due, -RemindWorkingDays)):
		return model.NoticeReminder
	}
	return ""
}

// sendDeadlineNotice records notice column on a and notifies its
// recipients, in one transaction; false when another sweep recorded it
// first (or a changed meanwhile: decided, withdrawn, resubmitted).
func (s *Service) sendDeadlineNotice(ctx context.Context, a *model.Application, column string) (bool, error) {
	var sent bool
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		ok, err := s.apps.MarkNotice(ctx, a.ID, *a.DueOn, column, s.now())
		if err != nil || !ok {
			return err
		}
		sent = true
		o, err := s.orgs.Get(ctx, a.OrgID)
		if err != nil {
			return err
		}
		to, roles := o.ID, orgAdminRoles(o)
		if column == model.NoticeEscalated {
			if o.ParentID == nil {
				return nil // a root intake point: flagged, nobody above to tell
			}
			to, roles = *o.ParentID, []string{string(access.FederationAdmin)}
		}
		users, err := s.roles.AdminsAt(ctx, to, roles)
		if err != nil {
			return err
		}
		n := deadlineNotice(a, o, column)
		for _, u := range users {
			n.UserID = u
			if err := s.notify(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	return sent && err == nil, err
}

// orgAdminRoles are the roles that review o's applications: the chair and
// staff of a union, the admins of a federation taking applications (an
// intake point).
func orgAdminRoles(o *model.Org) []string {
	if o.Type == model.OrgFederation {
		return []string{string(access.FederationAdmin)}
	}
	return []string{string(access.UnionChair), string(access.UnionStaff)}
}

// deadlineNotice words the notice of column about a at o. The applicant's
// name is masked: notices are not an audited view.
func deadlineNotice(a *model.Application, o *model.Org, column string) Notice {
	who := pii.MaskName(a.Name)
	n := Notice{Data: map[string]any{"application_id": itoa(a.ID), "org_id": itoa(o.ID), "due_on": *a.DueOn}}
	switch column {
	case model.NoticeReminder:
		n.Kind, n.Title = "application_due_soon", "入会申请即将到期"
		n.Body = fmt.Sprintf("%s：%s 的入会申请应在 %s 前办结（还有3个工作日），请及时审核。", o.Name, who, *a.DueOn)
	case model.NoticeDueDay:
		n.Kind, n.Title = "application_due_today", "入会申请今天到期"
		n.Body = fmt.Sprintf("%s：%s 的入会申请今天（%s）到期，请今天办结。", o.Name, who, *a.DueOn)
	default:
		n.Kind, n.Title = "application_overdue", "下级工会入会申请已超期"
		n.Body = fmt.Sprintf("%s：%s 的入会申请已超过办结期限（%s），请督办，也可直接审核。", o.Name, who, *a.DueOn)
	}
	return n
}
