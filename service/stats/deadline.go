package stats

import (
	"context"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/calendar"
)

// deadlines adds to ov the overdue applications of o's subtree (in total
// and per child) and the month's median time to decision in working
// days. Both are bounded queries rather than counters: overdue is a
// matter of today's date, so a counter would have to be moved by a sweep
// at every midnight and by every decision, assignment and dissolution
// after it, while the count reads one index range per union as long as
// its overdue list (model.StatsStore.CountOverdue); the median reads the
// month's decisions of the subtree from ix_applications_decided, one
// range per union (model.StatsStore.EachReview). Neither reads a member,
// and the overview is cached for CacheTTL.
func (s *Service) deadlines(ctx context.Context, o *model.Org, ov *Overview) error {
	now := s.now().In(s.loc)
	today := calendar.DateOf(now)
	counts, err := s.stats.CountOverdue(ctx, o.Path, today.String())
	if err != nil {
		return err
	}
	byChild := map[int64]int64{}
	for _, c := range counts {
		ov.Applications.Overdue += c.N
		if child := childOf(o.Path, c.Path); child != 0 {
			byChild[child] += c.N
		}
	}
	for i := range ov.ByChild {
		ov.ByChild[i].Overdue = byChild[ov.ByChild[i].OrgID]
	}
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	var days []float64
	err = s.stats.EachReview(ctx, o.Path, start.UTC(), start.AddDate(0, 1, 0).UTC(), func(r model.ReviewTime) error {
		days = append(days, float64(s.workingDays(r.SubmittedAt, r.ReviewedAt)))
		return nil
	})
	if err != nil {
		return err
	}
	ov.Applications.MedianDaysToDecision = median(days)
	return nil
}

// workingDays counts the working days from the business date of from to
// that of to (0 on the same day).
func (s *Service) workingDays(from, to time.Time) int {
	return s.calendar.WorkingDaysBetween(calendar.DateOf(from.In(s.loc)), calendar.DateOf(to.In(s.loc)))
}
