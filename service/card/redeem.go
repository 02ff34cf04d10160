package card

import (
	"context"
	"errors"
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// benefitAtCounter returns the benefit when one of the verifier's orgs
// offers it (it is offered by that org or an ancestor) and it runs today
// in the business time zone; otherwise 404.
func (s *Service) benefitAtCounter(ctx context.Context, sc access.Scope, id int64) (*model.BenefitWithOrg, error) {
	b, err := s.benefit(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errBenefitNotFound
	}
	if err != nil {
		return nil, err
	}
	offered := false
	for _, bd := range sc.Bindings {
		if access.Allowed(bd.Role, access.Verify) && strings.HasPrefix(bd.OrgPath, b.OrgPath) {
			offered = true
			break
		}
	}
	if !offered || !s.runsToday(&b.Benefit) {
		return nil, errBenefitNotFound
	}
	return b, nil
}

func (s *Service) runsToday(b *model.Benefit) bool {
	today := s.now().In(s.loc).Format(dateLayout)
	return b.StartsOn <= today && today <= b.EndsOn
}

// redeem records the redemption of b by the token's member before the
// reply, exactly once per token and benefit: the unique (benefit_id,
// token_id) makes a concurrent retry of the same token wait for the first
// and then return its redemption. Under a per-member limit the member's
// counter row is taken in the same transaction with a conditional UPDATE
// (used < limit), which holds the limit exactly on SQLite, MySQL and TiDB;
// over it the transaction rolls back with 40903.
func (s *Service) redeem(ctx context.Context, verifierID int64, b *model.BenefitWithOrg, c checked) (*model.Redemption, error) {
	limited := b.PerMemberLimit != nil
	if limited {
		if err := s.redemptions.EnsureUsage(ctx, b.ID, c.MemberID); err != nil {
			return nil, err
		}
	}
	r := &model.Redemption{ID: model.NewID(), BenefitID: b.ID, MemberID: c.MemberID, TokenID: c.TokenID,
		VerifierID: verifierID, CreatedAt: s.now().UTC()}
	var err error
	if !limited {
		// One statement: atomic on its own, one round trip and one commit.
		err = s.redemptions.Create(ctx, r)
	} else {
		err = s.limitedRedemption(ctx, b, c, r)
	}
	if errors.Is(err, model.ErrDuplicate) {
		return s.redemptions.ByToken(ctx, b.ID, c.TokenID)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// limitedRedemption records r and takes one of the member's uses of b in
// one transaction; errLimitReached when none is left.
func (s *Service) limitedRedemption(ctx context.Context, b *model.BenefitWithOrg, c checked, r *model.Redemption) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.redemptions.Create(ctx, r); err != nil {
			return err
		}
		err := s.redemptions.TakeUsage(ctx, b.ID, c.MemberID, *b.PerMemberLimit)
		if errors.Is(err, model.ErrConflict) {
			return errLimitReached
		}
		return err
	})
}
