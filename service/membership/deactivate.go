package membership

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
)

// accountLeaveReason is the history's reason when an account cancellation
// (注销) with "leave" takes the member off the roll.
const accountLeaveReason = "注销账号时本人要求退会"

// LeaveForAccount moves the user's member record on the roll to left, as
// an account cancellation with "leave" asks, through the status path
// (event, counters), in the caller's transaction. It returns the member's
// id, or 0 when the user has none on the roll.
func (s *Service) LeaveForAccount(ctx context.Context, userID int64) (int64, error) {
	m, err := s.members.OnRollForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if _, _, err := s.move(ctx, m, model.MemberLeft, accountLeaveReason, userID); err != nil {
		return 0, err
	}
	return m.ID, nil
}
