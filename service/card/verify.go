package card

import (
	"context"
	"errors"
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// Result is the answer to a verification.
type Result struct {
	Valid  bool
	Reason Reason // Valid, or why the card was refused
	// Member is shown to the counter when the card is valid.
	Member *MemberView
	// Redemption is the benefit's redemption, when one was asked for.
	Redemption *model.Redemption
}

// MemberView is what the counter sees of a member with a valid card.
type MemberView struct {
	ID         int64
	NameMasked string
	MemberNo   string
	UnionName  string
	Status     string
	PhotoToken string // "" without a photo
}

// Results of the verification log besides the reasons: the benefit was not
// open here or to the member, the member's limit was reached, or the check
// failed (database down).
const (
	resultNotOpen      = "not_open"
	resultLimitReached = "limit_reached"
	resultError        = "error"
)

// Verify checks a card token for a verifier: offline checks (malformed,
// unknown_key, bad_signature, expired), then the member's current status
// (not_active) and card version (revoked) from the cache. With benefitID
// it also redeems the benefit (see redeem). Every verification is logged:
// plain ones in batches after the reply; when the log's queue is full, the
// call waits briefly (Config.QueueWait, or until ctx ends) for room.
//
// Errors: 404 when the benefit is not offered by one of the verifier's orgs
// or an ancestor, not running today, or not open to the member's union;
// 40903 when the member reached the benefit's limit.
func (s *Service) Verify(ctx context.Context, sc access.Scope, token string, benefitID int64) (*Result, error) {
	return s.VerifyPresented(ctx, sc, Present(token), benefitID)
}

// VerifyPresented is Verify of a token already split by Present.
func (s *Service) VerifyPresented(ctx context.Context, sc access.Scope, p Presented, benefitID int64) (*Result, error) {
	logRow := model.Verification{ID: model.NewID(), VerifierID: sc.UserID, Result: resultError, CreatedAt: s.now().UTC()}
	defer func() { s.rec.add(ctx, logRow) }()
	var b *model.BenefitWithOrg
	if benefitID != 0 {
		logRow.BenefitID = &benefitID
		var err error
		if b, err = s.benefitAtCounter(ctx, sc, benefitID); err != nil {
			if errors.Is(err, errBenefitNotFound) {
				logRow.Result = resultNotOpen
			}
			return nil, err
		}
	}
	c, reason, authentic := s.check(p)
	if authentic {
		logRow.MemberID, logRow.TokenID = &c.MemberID, &c.TokenID
	}
	var notOpen error
	if reason == Valid {
		st, err := s.memberState(ctx, c.MemberID)
		switch {
		case errors.Is(err, model.ErrNotFound):
			reason = ReasonNotActive
		case err != nil:
			return nil, err
		case !st.active():
			reason = ReasonNotActive
		case st.CardVersion != c.CardVersion:
			reason = ReasonRevoked
		default:
			// A retry of a redemption meets the first one in redeem (the
			// unique token) and returns it.
			res, err := s.accept(ctx, sc, b, c, st, &logRow)
			if !errors.Is(err, errBenefitNotFound) {
				return res, err
			}
			notOpen = err // unless the member moved since a first redemption
		}
	}
	if b != nil && authentic {
		// A retry of a redemption returns the first result, even once the
		// token has expired or the member changed: it is not a second
		// redemption. Looked up only when the card would be refused, so a
		// plain redemption costs no extra query.
		if first, err := s.redemptions.ByToken(ctx, b.ID, c.TokenID); err == nil {
			logRow.Result = string(Valid)
			return s.replayed(ctx, c.MemberID, first)
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
	}
	if notOpen != nil {
		return nil, notOpen
	}
	logRow.Result = string(reason)
	return &Result{Reason: reason}, nil
}

// accept answers a valid card, redeeming the benefit when there is one.
func (s *Service) accept(ctx context.Context, sc access.Scope, b *model.BenefitWithOrg, c checked, st *state, logRow *model.Verification) (*Result, error) {
	res := &Result{Valid: true, Reason: Valid, Member: s.view(c.MemberID, st)}
	logRow.Result = string(Valid)
	if b == nil {
		return res, nil
	}
	if !strings.HasPrefix(st.OrgPath, b.OrgPath) {
		logRow.Result = resultNotOpen
		return nil, errBenefitNotFound
	}
	r, err := s.redeem(ctx, sc.UserID, b, c)
	switch {
	case errors.Is(err, errLimitReached):
		logRow.Result = resultLimitReached
		return nil, err
	case err != nil:
		return nil, err
	}
	res.Redemption = r
	return res, nil
}

// replayed answers the replay of a redemption with the member as now.
func (s *Service) replayed(ctx context.Context, memberID int64, r *model.Redemption) (*Result, error) {
	res := &Result{Valid: true, Reason: Valid, Redemption: r}
	st, err := s.memberState(ctx, memberID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if st != nil {
		res.Member = s.view(memberID, st)
	}
	return res, nil
}

func (s *Service) view(memberID int64, st *state) *MemberView {
	v := &MemberView{ID: memberID, NameMasked: st.NameMasked, MemberNo: st.MemberNo, UnionName: st.UnionName, Status: st.Status}
	if st.PhotoID != 0 {
		v.PhotoToken = s.photoLink(memberID, st.PhotoID, s.now().Add(VerifyPhotoTTL))
	}
	return v
}
