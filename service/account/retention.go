package account

import (
	"context"
	"fmt"

	"github.com/unionhub/unionhub/model"
)

// retentionBatch is how many closed applications one read returns.
const retentionBatch = 100

// EraseClosedApplications erases the personal data of the withdrawn and
// rejected applications that closed more than the retention period ago
// (the privacy notice's period; UNIONHUB_CLOSED_APPLICATION_RETENTION_DAYS):
// the form's real-name part, ID number, phone, employer and review reason
// go (model.ErasedForms), and so do the files it named that nothing else
// uses. Status, union and dates stay for the counters and reports. It is
// the periodic task "application_retention" and returns how many it erased.
func (s *Service) EraseClosedApplications(ctx context.Context) (int, error) {
	n := 0
	for {
		now := s.now().UTC()
		apps, err := s.accounts.ClosedBefore(ctx, now.Add(-s.cfg.ClosedApplicationRetention), retentionBatch)
		if err != nil || len(apps) == 0 {
			return n, err
		}
		for i := range apps {
			var due []int64
			err := model.InTx(ctx, s.db, func(ctx context.Context) error {
				var err error
				due, err = s.accounts.EraseApplication(ctx, &apps[i], now)
				return err
			})
			if err != nil {
				return n, fmt.Errorf("erase application %d: %w", apps[i].ID, err)
			}
			if len(due) > 0 {
				if err := s.files.Purge(ctx, due); err != nil {
					s.log.WarnContext(ctx, "files of an erased application left to the cleanup", "err", err)
				}
			}
			n++
		}
	}
}
