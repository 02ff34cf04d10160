package card

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/pii"
)

// state is what a verification and the member's card need of a member,
// as cached: status and card version decide validity; the rest is what
// the counter and the card show. The full name is kept sealed with the
// PII cipher, so the cache holds no name in the clear.
type state struct {
	Status      string
	CardVersion int
	MemberNo    string
	NameMasked  string
	SealedName  string
	UserID      int64 // 0: no user (imported, not claimed)
	OrgID       int64
	OrgPath     string
	UnionName   string
	JoinedOn    string
	PhotoID     int64 // 0: no photo
}

const (
	// stateTTL bounds how long display fields (union name, photo) may lag
	// behind changes nobody invalidates, and how long a lost invalidation
	// (a Redis failover) could last.
	stateTTL = 5 * time.Minute
	// tombstoneTTL: after Invalidate, readers go to the database and may
	// not fill the cache for this long, so a reader that read the row just
	// before the change cannot put the old status back.
	tombstoneTTL = 10 * time.Second
	tombstone    = "-"
	// userHintTTL bounds how long a user's hint to their member record is
	// kept; it is only a hint (checked against the member's state), so its
	// age never changes an answer.
	userHintTTL = time.Hour
)

// stateKey is the member's cache key, hash-tagged so every per-member key
// lives in one Redis Cluster slot.
func stateKey(memberID int64) string { return "{m:" + strconv.FormatInt(memberID, 10) + "}:card" }

// userKey is the cache key of a user's hint to their member record.
func userKey(userID int64) string { return "{u:" + strconv.FormatInt(userID, 10) + "}:member" }

// IsStateCacheKey reports whether key (with any prefix) is a member's card
// state: a key a node may keep a copy of (cache.NearOptions). A user's
// hint to their member record is not one: the state it leads to is
// checked, so a hint may be old, and writing it costs nothing extra.
func IsStateCacheKey(key string) bool {
	return strings.HasSuffix(key, "}:card") && strings.Contains(key, "{m:")
}

// MyCardCacheKey is the cache key MyCard reads first, so that a caller can
// prefetch it with other keys in one round trip: the state of the member
// hinted at, or without a hint the user's own hint.
func MyCardCacheKey(userID, memberHint int64) string {
	if memberHint != 0 {
		return stateKey(memberHint)
	}
	return userKey(userID)
}

func (s *Service) stateOf(r *model.CardRow) (*state, error) {
	sealed, err := s.pii.Encrypt(pii.CardName.Row(r.ID), r.Name)
	if err != nil {
		return nil, err
	}
	st := &state{Status: r.Status, CardVersion: r.CardVersion, MemberNo: r.MemberNo, NameMasked: pii.MaskName(r.Name),
		SealedName: sealed, OrgID: r.OrgID, OrgPath: r.OrgPath, UnionName: r.OrgName, JoinedOn: r.JoinedOn}
	if r.UserID != nil {
		st.UserID = *r.UserID
	}
	if r.PhotoUploadID != nil {
		st.PhotoID = *r.PhotoUploadID
	}
	return st, nil
}

// active reports whether the status lets the card verify: a retained
// member's card is valid; suspended, left, removed and deceased are not.
func (st *state) active() bool {
	return st.Status == model.MemberActive || st.Status == model.MemberRetained
}

// onRoll reports whether the member is on the roll (has a card at all).
func (st *state) onRoll() bool { return slices.Contains(model.OnRollStatuses, st.Status) }

// memberState returns the member's state from the cache, or from the
// database on a miss (filling the cache) or when the cache fails
// (ErrNotFound when there is no such member).
func (s *Service) memberState(ctx context.Context, memberID int64) (*state, error) {
	st, err := s.cachedState(ctx, memberID)
	if err == nil {
		return st, nil
	}
	r, derr := s.cards.ForMember(ctx, memberID)
	if derr != nil {
		return nil, derr
	}
	if st, derr = s.stateOf(r); derr != nil {
		return nil, derr
	}
	if errors.Is(err, cache.ErrMiss) {
		s.fill(ctx, memberID, st)
	}
	return st, nil
}

// cachedState returns the member's state as cached: ErrMiss when the key
// is missing or undecodable, errInvalidated under a tombstone, or the
// cache's error.
func (s *Service) cachedState(ctx context.Context, memberID int64) (*state, error) {
	v, err := s.cache.Get(ctx, stateKey(memberID))
	switch {
	case err != nil:
		return nil, err
	case v == tombstone:
		return nil, errInvalidated
	}
	st, err := decodeState(v)
	if err != nil {
		return nil, cache.ErrMiss
	}
	return st, nil
}

// errInvalidated: the member changed moments ago; read the database and
// do not fill the cache.
var errInvalidated = errors.New("card: state invalidated")

// fill caches st unless the key holds anything, a tombstone included. A
// failure only costs the next reader a database query.
func (s *Service) fill(ctx context.Context, memberID int64, st *state) {
	if _, err := s.cache.SetNX(ctx, stateKey(memberID), st.encode(), stateTTL); err != nil {
		s.log.DebugContext(ctx, "card state not cached", "member_id", memberID, "err", err)
	}
}

// Invalidate drops the cached state of a member; call it after every
// committed change of the member's status, card version, name, member
// number, union, user, join date or photo. It leaves a short tombstone rather than deleting
// the key, so a concurrent reader holding the old row cannot cache it again
// (calling it before the commit is therefore safe too, when the commit
// follows within seconds). An error means the cache could not be told:
// the old state may then be served until it expires (5 minutes).
func (s *Service) Invalidate(ctx context.Context, memberID int64) error {
	if err := s.cache.Set(ctx, stateKey(memberID), tombstone, tombstoneTTL); err != nil {
		return fmt.Errorf("card: invalidate member %d: %w", memberID, err)
	}
	return nil
}
