package application

import (
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/calendar"
)

// Deadline terms (API.md §11, 限时办结).
const (
	// DueWorkingDays: a submission is answered within this many working
	// days, the submission date not counted.
	DueWorkingDays = 15
	// RemindWorkingDays: the union's admins are reminded this many working
	// days before the due date (and again on it).
	RemindWorkingDays = 3
)

// Today returns today's business date.
func (s *Service) Today() calendar.Date {
	return calendar.DateOf(s.now().In(s.loc))
}

// dueOn returns the due date of a submission made at submitted.
func (s *Service) dueOn(submitted time.Time) string {
	return s.calendar.AddWorkingDays(calendar.DateOf(submitted.In(s.loc)), DueWorkingDays).String()
}

// Overdue reports whether a is overdue today: still submitted after its
// due date.
func (s *Service) Overdue(a *model.Application) bool {
	return a.Status == model.AppSubmitted && a.DueOn != nil && *a.DueOn < s.Today().String()
}

// setDue gives a, just submitted, the due date of its submission and
// clears the deadline notices of an earlier one (a resubmission after a
// return starts the period again).
func (s *Service) setDue(a *model.Application) {
	due := s.dueOn(*a.SubmittedAt)
	a.DueOn = &due
	a.RemindedAt, a.DueRemindedAt, a.EscalatedAt = nil, nil, nil
}

// dueFilter reads the queue's overdue parameter: "" for no filter,
// "true" or "false".
func (s *Service) dueFilter(overdue string) (*model.DueFilter, error) {
	var want bool
	switch overdue {
	case "":
		return nil, nil
	case "true":
		want = true
	case "false":
	default:
		return nil, service.E(service.KindMalformed, "参数 overdue 应为 true 或 false")
	}
	today := s.Today()
	last := s.lastOverdueSubmission(today)
	return &model.DueFilter{Overdue: want, Today: today.String(), CreatedBefore: last.AddDays(1).In(s.loc)}, nil
}

// lastOverdueSubmission returns the last submission date whose due date
// is before today: every overdue application was submitted on it or
// before. Due dates grow with the submission date, so it is the first
// date going back from today whose due date is before today (at most a
// few weeks back, even over a long holiday).
func (s *Service) lastOverdueSubmission(today calendar.Date) calendar.Date {
	d := today
	for !s.calendar.AddWorkingDays(d, DueWorkingDays).Before(today) {
		d = d.AddDays(-1)
	}
	return d
}
