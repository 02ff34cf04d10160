package card

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/org"
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
	r, err := s.cards.ForUser(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errNotMember
	}
	if err != nil {
		return nil, err
	}
	c := &Card{MemberID: r.ID, MemberNo: r.MemberNo, Name: r.Name, UnionName: r.OrgName, OrgID: r.OrgID,
		Status: r.Status, JoinedOn: r.JoinedOn}
	if r.PhotoUploadID != nil {
		c.PhotoToken = s.photoLink(r.ID, *r.PhotoUploadID, cardPhotoExpiry(s.now()))
	}
	st := stateOf(r)
	if st.active() {
		t, err := s.issue(r.ID, r.MemberNo, r.CardVersion)
		if err != nil {
			return nil, err
		}
		c.QR = &t
	}
	return c, nil
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
	return s.reissue(ctx, r.ID, &org.AuditEntry{ActorID: sc.UserID, OrgID: r.OrgID, Action: "member.card_reissue",
		Target: "member:" + itoa(r.ID), Detail: map[string]any{"card_version": r.CardVersion + 1}})
}

// reissue bumps the card version (and records entry) in one transaction,
// then invalidates the cached state so every node refuses older tokens.
func (s *Service) reissue(ctx context.Context, memberID int64, entry *org.AuditEntry) error {
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.cards.BumpCardVersion(ctx, memberID, s.now().UTC()); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return errMemberNotFound // left the roll meanwhile
			}
			return err
		}
		if entry != nil && s.audit != nil {
			return s.audit.Record(ctx, *entry)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.Invalidate(ctx, memberID); err != nil {
		s.log.ErrorContext(ctx, "card reissued but the cache was not told; older tokens verify until the cached state expires",
			"member_id", memberID, "err", err)
	}
	return nil
}
