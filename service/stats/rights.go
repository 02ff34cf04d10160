package stats

import (
	"context"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/calendar"
)

// RightsRequests counts a subtree's pending correction requests and
// disputes (API.md §10) and the overdue among them (still pending after
// due_on).
type RightsRequests struct {
	Pending, Overdue int64
}

// rightsRequests adds to ov the pending and overdue rights requests of o's
// subtree. Like the overdue applications (deadlines), a bounded query
// rather than a counter, since overdue is a matter of today's date: one
// range of ix_rights_requests_due per union, as long as its pending list
// (model.StatsStore.CountRights).
func (s *Service) rightsRequests(ctx context.Context, o *model.Org, ov *Overview) error {
	c, err := s.stats.CountRights(ctx, o.Path, calendar.DateOf(s.now().In(s.loc)).String())
	if err != nil {
		return err
	}
	ov.RightsRequests = RightsRequests{Pending: c.Pending, Overdue: c.Overdue}
	return nil
}
