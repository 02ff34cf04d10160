package card

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/pii"
)

// state is what a verification needs of a member, as cached: status and
// card version decide validity; the rest is what the counter is shown. The
// name is kept masked only, so the cache holds no full name.
type state struct {
	Status      string `json:"s"`
	CardVersion int    `json:"v"`
	MemberNo    string `json:"no"`
	NameMasked  string `json:"n"`
	OrgID       int64  `json:"o"`
	OrgPath     string `json:"p"`
	UnionName   string `json:"u"`
	PhotoID     int64  `json:"ph,omitempty"`
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
)

// stateKey is the member's cache key, hash-tagged so every per-member key
// lives in one Redis Cluster slot.
func stateKey(memberID int64) string { return "{m:" + strconv.FormatInt(memberID, 10) + "}:card" }

func stateOf(r *model.CardRow) *state {
	st := &state{Status: r.Status, CardVersion: r.CardVersion, MemberNo: r.MemberNo, NameMasked: pii.MaskName(r.Name),
		OrgID: r.OrgID, OrgPath: r.OrgPath, UnionName: r.OrgName}
	if r.PhotoUploadID != nil {
		st.PhotoID = *r.PhotoUploadID
	}
	return st
}

// active reports whether the status lets the card verify: a retained
// member's card is valid; suspended, left, removed and deceased are not.
func (st *state) active() bool {
	return st.Status == model.MemberActive || st.Status == model.MemberRetained
}

// memberState returns the member's state from the cache, or from the
// database on a miss (filling the cache) or when the cache fails
// (ErrNotFound when there is no such member).
func (s *Service) memberState(ctx context.Context, memberID int64) (*state, error) {
	key := stateKey(memberID)
	v, err := s.cache.Get(ctx, key)
	if err == nil && v != tombstone {
		var st state
		if json.Unmarshal([]byte(v), &st) == nil {
			return &st, nil
		}
	}
	fill := errors.Is(err, cache.ErrMiss)
	r, derr := s.cards.ForMember(ctx, memberID)
	if derr != nil {
		return nil, derr
	}
	st := stateOf(r)
	if fill {
		s.fill(ctx, memberID, st)
	}
	return st, nil
}

// fill caches st unless the key holds anything, a tombstone included. A
// failure only costs the next reader a database query.
func (s *Service) fill(ctx context.Context, memberID int64, st *state) {
	raw, _ := json.Marshal(st)
	if _, err := s.cache.SetNX(ctx, stateKey(memberID), string(raw), stateTTL); err != nil {
		s.log.DebugContext(ctx, "card state not cached", "member_id", memberID, "err", err)
	}
}

// Invalidate drops the cached state of a member; call it after every
// committed change of the member's status, card version, name, member
// number, union or photo. It leaves a short tombstone rather than deleting
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
