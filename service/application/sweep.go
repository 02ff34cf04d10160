package application

import (
	"context"
	"fmt"
	"strings"

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
// it (model.ApplicationStore.MarkNotice), so it goes out exactly once;
// up to noticesPerTx notices share a transaction.
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
	look := newSweepLookups(s)
	afterDue, afterID := "", int64(0)
	for {
		rows, err := s.apps.DeadlineCandidates(ctx, dueBy, afterDue, afterID, sweepBatch)
		if err != nil {
			return out, err
		}
		var due []dueNotice
		for i := range rows {
			if column := s.noticeDue(&rows[i], today); column != "" {
				due = append(due, dueNotice{app: &rows[i], column: column})
			}
		}
		for len(due) > 0 {
			n := min(len(due), noticesPerTx)
			sent, err := s.sendDeadlineNotices(ctx, look, due[:n])
			if err != nil {
				return out, err
			}
			out.add(sent)
			due = due[n:]
		}
		if len(rows) < sweepBatch {
			return out, nil
		}
		last := rows[len(rows)-1]
		afterDue, afterID = *last.DueOn, last.ID
	}
}

// noticesPerTx is how many deadline notices one transaction records and
// writes: a commit each would cost a sweep working off a backlog (a
// province's first day, or days missed) one disk flush per notice, while
// a transaction much larger holds reviewers' rows locked for longer.
const noticesPerTx = 50

// dueNotice is a notice the sweep found due: column on app.
type dueNotice struct {
	app    *model.Application
	column string
}

func (s *Sweep) add(o Sweep) {
	s.Reminders += o.Reminders
	s.DueDay += o.DueDay
	s.Escalations += o.Escalations
}

// sweepLookups keeps, for one sweep, the orgs and their admins that its
// notices go to: a backlog has many applications at one org.
type sweepLookups struct {
	s      *Service
	orgs   map[int64]*model.Org
	admins map[adminsKey][]int64
}

// adminsKey names the admins holding one of roles (joined) at org.
type adminsKey struct {
	org   int64
	roles string
}

func newSweepLookups(s *Service) *sweepLookups {
	return &sweepLookups{s: s, orgs: map[int64]*model.Org{}, admins: map[adminsKey][]int64{}}
}

func (l *sweepLookups) org(ctx context.Context, id int64) (*model.Org, error) {
	if o, ok := l.orgs[id]; ok {
		return o, nil
	}
	o, err := l.s.orgs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	l.orgs[id] = o
	return o, nil
}

func (l *sweepLookups) adminsAt(ctx context.Context, orgID int64, roles []string) ([]int64, error) {
	key := adminsKey{orgID, strings.Join(roles, ",")}
	if ids, ok := l.admins[key]; ok {
		return ids, nil
	}
	ids, err := l.s.roles.AdminsAt(ctx, orgID, roles)
	if err != nil {
		return nil, err
	}
	l.admins[key] = ids
	return ids, nil
}

// sendDeadlineNotices records each notice on its application and notifies
// its recipients, all in one transaction, and counts those it sent: a
// notice another sweep recorded first (or whose application changed
// meanwhile: decided, withdrawn, resubmitted) is skipped. When anything
// fails, none of them is recorded or sent, and the next sweep tries them
// again.
func (s *Service) sendDeadlineNotices(ctx context.Context, look *sweepLookups, due []dueNotice) (Sweep, error) {
	var sent Sweep
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		sent = Sweep{} // a run again after a deadlock counts afresh
		for _, d := range due {
			ok, err := s.sendDeadlineNotice(ctx, look, d.app, d.column)
			if err != nil {
				return fmt.Errorf("deadline notice for application %d: %w", d.app.ID, err)
			}
			if !ok {
				continue
			}
			switch d.column {
			case model.NoticeReminder:
				sent.Reminders++
			case model.NoticeDueDay:
				sent.DueDay++
			default:
				sent.Escalations++
			}
		}
		return nil
	})
	if err != nil {
		return Sweep{}, err
	}
	return sent, nil
}

// sendDeadlineNotice records notice column on a and notifies its
// recipients, in the transaction of ctx; false when another sweep recorded
// it first (or a changed meanwhile).
func (s *Service) sendDeadlineNotice(ctx context.Context, look *sweepLookups, a *model.Application, column string) (bool, error) {
	ok, err := s.apps.MarkNotice(ctx, a.ID, *a.DueOn, column, s.now())
	if err != nil || !ok {
		return false, err
	}
	o, err := look.org(ctx, a.OrgID)
	if err != nil {
		return false, err
	}
	to, roles := o.ID, orgAdminRoles(o)
	if column == model.NoticeEscalated {
		if o.ParentID == nil {
			return true, nil // a root intake point: flagged, nobody above to tell
		}
		to, roles = *o.ParentID, []string{string(access.FederationAdmin)}
	}
	users, err := look.adminsAt(ctx, to, roles)
	if err != nil {
		return false, err
	}
	n := deadlineNotice(a, o, column)
	for _, u := range users {
		n.UserID = u
		if err := s.notify(ctx, n); err != nil {
			return false, err
		}
	}
	return true, nil
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
