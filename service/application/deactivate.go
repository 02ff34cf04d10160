package application

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
)

// CloseForAccount ends what is in progress for an account being cancelled
// (注销, service/account), in the caller's transaction: the open
// application is withdrawn (counters, timeline) and every file of the
// user is made due now, so no read serves it from the commit on. It
// returns the files' ids, for Purge after the commit. Unlike a withdrawal
// of consent, a member record is no obstacle: it stays with the union.
func (s *Service) CloseForAccount(ctx context.Context, userID int64) ([]int64, error) {
	a, err := s.apps.Open(ctx, userID)
	switch {
	case err == nil:
		if err := s.withdraw(ctx, a); err != nil {
			return nil, err
		}
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	return s.uploads.ExpireOwned(ctx, userID, s.now().UTC())
}
