package org

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/cache"
)

// Every guarded request resolves the caller's live bindings. They are
// cached per user (in Redis in production, so every node shares them):
// filled with SetNX from the table on a miss, and on every change to the
// user's bindings (accept, revoke, chair handover) or to an org they are
// bound at (rename, dissolution) overwritten by a tombstone, inside the
// changing transaction: a failure to write it fails the change, so a
// revoked role never outlives its revocation on any node. While the
// tombstone stands readers go to the table and fill nothing, so a request
// that read the table just before the change commits cannot put the old
// bindings back. Once the change commits, it replaces its own tombstone
// with a settled marker of the same nonce ("the table holds the change"):
// a reader that sees the marker reads the table and puts the bindings in
// the marker's place with CompareAndSwap, which fails if a later change
// wrote its tombstone meanwhile. A settle that does not happen (a crash,
// the cache unreachable, a rollback) leaves the tombstone to expire after
// rolesTombstoneTTL. On any cache failure the table is read.
const (
	rolesTTL          = 10 * time.Minute
	rolesTombstoneTTL = 30 * time.Second
	// Markers start with a byte no JSON array starts with.
	rolesTombstone = "-" // + nonce: a change not yet committed
	rolesSettled   = "~" // + the same nonce: committed; fill by swapping
)

// rolesKey is the cache key of a user's live bindings.
func rolesKey(userID int64) string { return "{u:" + strconv.FormatInt(userID, 10) + "}:roles" }

// RolesCacheKey is the cache key Scope reads for the user, so that a
// caller can prefetch it with other keys in one round trip.
func RolesCacheKey(userID int64) string { return rolesKey(userID) }

// liveBindings returns the user's live bindings at orgs that are not
// dissolved, from the cache when it holds them.
func (s *Service) liveBindings(ctx context.Context, userID int64) ([]access.Binding, error) {
	var fill func(raw string)
	if s.cache != nil {
		key := rolesKey(userID)
		v, err := s.cache.Get(ctx, key)
		switch {
		case err == nil && strings.HasPrefix(v, rolesSettled):
			fill = func(raw string) { _, _ = s.cache.CompareAndSwap(ctx, key, v, raw, rolesTTL) }
		case err == nil && !strings.HasPrefix(v, rolesTombstone):
			if bs, ok := s.decoded.Get(v); ok {
				return slices.Clone(bs), nil // the caller's own, as a decoding would be
			}
			var bs []access.Binding
			if json.Unmarshal([]byte(v), &bs) == nil {
				s.decoded.Put(v, slices.Clone(bs))
				return bs, nil
			}
		case errors.Is(err, cache.ErrMiss):
			fill = func(raw string) { _, _ = s.cache.SetNX(ctx, key, raw, rolesTTL) }
		}
	}
	rows, err := s.roles.ActiveForUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	bs := []access.Binding{}
	for _, r := range rows {
		if r.OrgStatus == model.OrgDissolved {
			continue // a dissolved org's roles act nowhere
		}
		bs = append(bs, access.Binding{ID: r.ID, OrgID: r.OrgID, OrgPath: r.OrgPath,
			OrgName: r.OrgName, OrgType: r.OrgType, Role: access.Role(r.Role)})
	}
	if fill != nil && !model.InTransaction(ctx) { // a transaction may see its own uncommitted change
		if raw, err := json.Marshal(bs); err == nil {
			fill(string(raw)) // a failed fill only means the next request reads the table
		}
	}
	return bs, nil
}

// ForgetRoles drops what the cache holds of the users' bindings. Call it
// in the transaction that changes them and fail the change when it fails;
// once the transaction commits (at once without one: the change has been
// written), readers may fill the cache again from the table.
func (s *Service) ForgetRoles(ctx context.Context, userIDs ...int64) error {
	if s.cache == nil {
		return nil
	}
	for _, id := range userIDs {
		key, nonce := rolesKey(id), strconv.FormatUint(rand.Uint64(), 36)
		if err := s.cache.Set(ctx, key, rolesTombstone+nonce, rolesTombstoneTTL); err != nil {
			return err
		}
		model.AfterCommit(ctx, func(ctx context.Context) {
			// Only its own tombstone: a later change's stays until that
			// change commits. A failure leaves the tombstone to expire.
			_, _ = s.cache.CompareAndSwap(ctx, key, rolesTombstone+nonce, rolesSettled+nonce, rolesTombstoneTTL)
		})
	}
	return nil
}

// forgetBoundAt drops the cached bindings of every user bound at org.
func (s *Service) forgetBoundAt(ctx context.Context, orgID int64) error {
	if s.cache == nil {
		return nil
	}
	var users []int64
	err := model.Conn(ctx, s.db).Model(&model.RoleBinding{}).Where("org_id = ? AND revoked_at IS NULL", orgID).
		Distinct("user_id").Pluck("user_id", &users).Error
	if err != nil {
		return model.Translate(err)
	}
	return s.ForgetRoles(ctx, users...)
}
