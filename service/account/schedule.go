package account

import (
	"context"
	"time"
)

// Intervals of the periodic tasks. A due cancellation (WeChat's has no
// cooling-off) is carried out within DeactivationInterval; a task's lease
// lasts as long, so a node that dies mid-deletion leaves it to another
// node after that.
const (
	DeactivationInterval = time.Minute
	RetentionInterval    = time.Hour
)

// Scheduler runs periodic tasks, each under a lease of its name on one
// node at a time (jobs.Runner).
type Scheduler interface {
	Every(name string, interval time.Duration, fn func(ctx context.Context) error)
}

// Schedule registers the deletion of due accounts and the erasure of
// closed applications with r.
func (s *Service) Schedule(r Scheduler) {
	r.Every("account_deactivations", DeactivationInterval, func(ctx context.Context) error {
		n, err := s.RunDue(ctx)
		if n > 0 {
			s.log.InfoContext(ctx, "accounts cancelled", "accounts", n)
		}
		return err
	})
	r.Every("application_retention", RetentionInterval, func(ctx context.Context) error {
		n, err := s.EraseClosedApplications(ctx)
		if n > 0 {
			s.log.InfoContext(ctx, "closed applications erased", "applications", n)
		}
		return err
	})
}
