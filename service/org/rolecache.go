package org

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/cache"
)

// Every guarded request resolves the caller's live bindings. They are
// cached per user (in Redis in production, so every node shares them):
// filled with SetNX from the table on a miss, and on every change to the
// user's bindings (accept, revoke, chair handover) or to an org they are
// bound at (rename, dissolution) overwritten by a tombstone, inside the
// changing transaction: a failure to write it fails the change, so a
// revoked role never outlives its revocation on any node. A tombstone
// lists the nonces of the changes not yet committed ("-n1,n2"): a change
// adds its own to whatever tombstone stands, never replaces another's.
// While one stands readers go to the table and fill nothing, so a request
// that read the table just before a change commits cannot put the old
// bindings back. Once a change commits it takes its nonce out; the last
// one out leaves a settled marker ("~n": the table holds every change),
// and a reader that sees the marker reads the table and puts the bindings
// in its place with CompareAndSwap, which fails if a change wrote its
// tombstone meanwhile. A change that finds no tombstone of its own when
// it commits (it expired while the transaction ran, and a reader may have
// filled what the table held before the commit) puts its marker over
// whatever is there. A settle that does not happen (a crash, the cache
// unreachable, a rollback) leaves the tombstone to expire after
// rolesTombstoneTTL. On any cache failure the table is read.
const (
	rolesTTL = 10 * time.Minute
	// rolesTombstoneTTL outlasts a transaction (InnoDB waits 50 s for a
	// lock), so a settle normally finds its tombstone.
	rolesTombstoneTTL = 2 * time.Minute
	// Markers start with a byte no JSON array starts with.
	rolesTombstone = "-" // + the pending changes' nonces, comma-separated
	rolesSettled   = "~" // + a nonce: committed; fill by swapping
	// rolesSwapAttempts bounds the compare-and-swap loop of a change
	// against the writers (readers filling, other changes) in between.
	rolesSwapAttempts = 8
)

// rolesKey is the cache key of a user's live bindings.
func rolesKey(userID int64) string { return "{u:" + strconv.FormatInt(userID, 10) + "}:roles" }

// RolesCacheKey is the cache key Scope reads for the user, so that a
// caller can prefetch it with other keys in one round trip.
func RolesCacheKey(userID int64) string { return rolesKey(userID) }

// IsRolesCacheKey reports whether key (with any prefix) is a user's roles
// key: one a node may keep a copy of (cache.NearOptions). Every write of
// it goes through the cache, which tells the other nodes.
func IsRolesCacheKey(key string) bool {
	return strings.HasSuffix(key, "}:roles") && strings.Contains(key, "{u:")
}

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
		err := s.swapRoles(ctx, key, func(v string, found bool) (string, bool) {
			if found && strings.HasPrefix(v, rolesTombstone) {
				return v + "," + nonce, true // pending beside the others
			}
			return rolesTombstone + nonce, true
		})
		if err != nil {
			return err
		}
		model.AfterCommit(ctx, func(ctx context.Context) {
			// Not cut short by the request's end (a client gone between
			// the commit and here), and tried once more: a settle that
			// does not happen leaves the tombstone to expire, and a fill
			// made after it expired mid-transaction to its own TTL.
			ctx = context.WithoutCancel(ctx)
			settle := func(v string, found bool) (string, bool) { return settled(v, found, nonce) }
			if err := s.swapRoles(ctx, key, settle); err != nil {
				_ = s.swapRoles(ctx, key, settle)
			}
		})
	}
	return nil
}

// settled is what a committed change with nonce leaves of the cached v:
// its nonce out of the tombstone, the marker once no other change is
// pending; the marker also over anything that is not a tombstone (filled
// after its tombstone expired, maybe from the table before the commit);
// another change's tombstone without its nonce stays as it is.
func settled(v string, found bool, nonce string) (string, bool) {
	pending, isTombstone := strings.CutPrefix(v, rolesTombstone)
	if !found || !isTombstone {
		return rolesSettled + nonce, true
	}
	others := slices.DeleteFunc(strings.Split(pending, ","), func(n string) bool { return n == nonce })
	switch {
	case len(others) == strings.Count(pending, ",")+1:
		return "", false // not ours: that change settles it
	case len(others) == 0:
		return rolesSettled + nonce, true
	}
	return rolesTombstone + strings.Join(others, ","), true
}

// swapRoles replaces the value under key with what next makes of it
// (found false: missing), by compare-and-swap, reading again while other
// writers get in between; next returns false to leave the key as it is.
func (s *Service) swapRoles(ctx context.Context, key string, next func(v string, found bool) (string, bool)) error {
	for range rolesSwapAttempts {
		v, err := s.cache.Get(ctx, key)
		found := err == nil
		if !found && !errors.Is(err, cache.ErrMiss) {
			return err
		}
		nv, write := next(v, found)
		if !write {
			return nil
		}
		var swapped bool
		if found {
			swapped, err = s.cache.CompareAndSwap(ctx, key, v, nv, rolesTombstoneTTL)
		} else {
			swapped, err = s.cache.SetNX(ctx, key, nv, rolesTombstoneTTL)
		}
		if err != nil || swapped {
			return err
		}
	}
	// The change fails (503: it may be tried again) rather than leave no
	// tombstone.
	return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试",
		fmt.Errorf("org: cached roles %s changed under every attempt", key))
}

// forgetBoundAt drops the cached bindings of every user bound at org.
func (s *Service) forgetBoundAt(ctx context.Context, orgID int64) error {
	if s.cache == nil {
		return nil
	}
	// A locking read: the latest committed bindings, not the snapshot the
	// transaction began with, which misses one accepted meanwhile (the
	// accept holds the org's lock until it commits; see OrgStore.Lock).
	var users []int64
	err := model.Conn(ctx, s.db).Model(&model.RoleBinding{}).Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("org_id = ? AND revoked_at IS NULL", orgID).Distinct("user_id").Pluck("user_id", &users).Error
	if err != nil {
		return model.Translate(err)
	}
	return s.ForgetRoles(ctx, users...)
}
