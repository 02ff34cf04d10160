package card

import (
	"context"
	"errors"
	"strconv"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/pii"
)

// Card is a member's e-member card.
type Card struct {
	MemberID  int64
	MemberNo  string
	Name      string
	UnionName string
	OrgID     int64
	Status    string
	JoinedOn  string
	// PhotoToken is a signed photo link token ("" without a photo).
	PhotoToken string
	// QR is the token to show; nil while the member is suspended, so no
	// fresh token exists that an offline check could accept.
	QR *Token
}

// MyCard returns the card of the user's member record on the roll (404
// when the user is not on the roll). A retained member's card is valid and
// says so; a suspended member still gets the card, with status suspended
// and no QR token, so the app can show that the card is stopped.
func (s *Service) MyCard(ctx context.Context, userID int64) (*Card, error) {
	return s.MyCardHinted(ctx, userID, 0)
}

// MyCardHinted is MyCard with a hint to the user's member record (from
// the access token; 0 for none), checked like the cached one.
func (s *Service) MyCardHinted(ctx context.Context, userID, memberHint int64) (*Card, error) {
	memberID, st, err := s.stateOfUser(ctx, userID, memberHint)
	if err != nil {
		return nil, err
	}
	name, err := s.pii.Decrypt(pii.CardName.Row(memberID), st.SealedName)
	if err != nil {
		return nil, err
	}
	c := &Card{MemberID: memberID, MemberNo: st.MemberNo, Name: name, UnionName: st.UnionName, OrgID: st.OrgID,
		Status: st.Status, JoinedOn: st.JoinedOn}
	if st.PhotoID != 0 {
		c.PhotoToken = s.photoLink(memberID, st.PhotoID, cardPhotoExpiry(s.now()))
	}
	if st.active() {
		t, err := s.issue(memberID, st.MemberNo, st.CardVersion)
		if err != nil {
			return nil, err
		}
		c.QR = &t
	}
	return c, nil
}

// cachedCardOf returns the cached state of the member a hint names when it
// says the member is the user's and on the roll.
func (s *Service) cachedCardOf(ctx context.Context, memberID, userID int64) (*state, bool) {
	if memberID == 0 {
		return nil, false
	}
	st, err := s.cachedState(ctx, memberID)
	return st, err == nil && st.UserID == userID && st.onRoll()
}

// stateOfUser returns the user's member record on the roll and its state:
// from the cache when memberHint, or else the user's hint in the cache,
// names a member whose cached state says it is this user's and on the
// roll (the state is invalidated on every change, hints need not be),
// else from the database, refreshing the cache. errNotMember when the
// user is not on the roll.
func (s *Service) stateOfUser(ctx context.Context, userID, memberHint int64) (int64, *state, error) {
	if st, found := s.cachedCardOf(ctx, memberHint, userID); found {
		return memberHint, st, nil
	}
	if v, err := s.cache.Get(ctx, userKey(userID)); err == nil {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			if st, found := s.cachedCardOf(ctx, id, userID); found {
				return id, st, nil
			}
		}
	}
	r, err := s.cards.ForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		_ = s.cache.Delete(ctx, userKey(userID)) // a failure costs a later lookup only
		return 0, nil, errNotMember
	}
	if err != nil {
		return 0, nil, err
	}
	st, err := s.stateOf(r)
	if err != nil {
		return 0, nil, err
	}
	s.fill(ctx, r.ID, st) // kept out by a tombstone of a change moments ago
	_ = s.cache.Set(ctx, userKey(userID), strconv.FormatInt(r.ID, 10), userHintTTL)
	return r.ID, st, nil
}

// ReissueMine stops every card token the user's member record was issued
// so far (a lost phone, a shared screenshot); 404 when not on the roll.
func (s *Service) ReissueMine(ctx context.Context, userID int64) error {
	r, err := s.cards.ForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return errNotMember
	}
	if err != nil {
		return err
	}
	return s.reissue(ctx, r.ID, nil)
}

// ReissueAsAdmin does the same for a member on the roll in the admin's
// review scope (404 outside it); the reissue is audited.
func (s *Service) ReissueAsAdmin(ctx context.Context, sc access.Scope, memberID int64) error {
	r, err := s.cards.OnRollInScope(ctx, memberID, sc.Paths(access.Review))
	if errors.Is(err, model.ErrNotFound) {
		return errMemberNotFound
	}
	if err != nil {
		return err
	}
	return s.reissue(ctx, r.ID, &audit.Entry{ActorID: sc.UserID, OrgID: r.OrgID, Action: "member.card_reissue",
		Target: "member:" + itoa(r.ID), Detail: map[string]any{"card_version": r.CardVersion + 1}})
}

// reissue bumps the card version (and records entry) in one transaction;
// once it commits the cached state is invalidated, so every node refuses
// older tokens.
func (s *Service) reissue(ctx context.Context, memberID int64, entry *audit.Entry) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.cards.BumpCardVersion(ctx, memberID, s.now().UTC()); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return errMemberNotFound // left the roll meanwhile
			}
			return err
		}
		model.AfterCommit(ctx, func(ctx context.Context) {
			if err := s.Invalidate(ctx, memberID); err != nil {
				s.log.ErrorContext(ctx, "card reissued but the cache was not told; older tokens verify until the cached state expires",
					"member_id", memberID, "err", err)
			}
		})
		if entry != nil && s.audit != nil {
			return s.audit.Record(ctx, *entry)
		}
		return nil
	})
}
