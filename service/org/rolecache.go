package org

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
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
// revoked role never outlives its revocation on any node. The tombstone
// lives rolesTombstoneTTL and keeps fills away meanwhile, so a request
// that read the table just before the change commits cannot put the old
// bindings back. On any cache failure the table is read.
const (
	rolesTTL          = 10 * time.Minute
	rolesTombstoneTTL = 30 * time.Second
	rolesTombstone    = "-"
)

// rolesKey is the cache key of a user's live bindings.
func rolesKey(userID int64) string { return "{u:" + strconv.FormatInt(userID, 10) + "}:roles" }

// RolesCacheKey is the cache key Scope reads for the user, so that a
// caller can prefetch it with other keys in one round trip.
func RolesCacheKey(userID int64) string { return rolesKey(userID) }

// liveBindings returns the user's live bindings at orgs that are not
// dissolved, from the cache when it holds them.
func (s *Service) liveBindings(ctx context.Context, userID int64) ([]access.Binding, error) {
	fill := false
	if s.cache != nil {
		v, err := s.cache.Get(ctx, rolesKey(userID))
		switch {
		case err == nil && v != rolesTombstone:
			if bs, ok := s.decoded.Get(v); ok {
				return slices.Clone(bs), nil // the caller's own, as a decoding would be
			}
			var bs []access.Binding
			if json.Unmarshal([]byte(v), &bs) == nil {
				s.decoded.Put(v, slices.Clone(bs))
				return bs, nil
			}
		case errors.Is(err, cache.ErrMiss):
			fill = true
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
	if fill {
		if raw, err := json.Marshal(bs); err == nil {
			// A failed fill only means the next request reads the table.
			_, _ = s.cache.SetNX(ctx, rolesKey(userID), string(raw), rolesTTL)
		}
	}
	return bs, nil
}

// ForgetRoles drops what the cache holds of the users' bindings. Call it
// in the transaction that changes them and fail the change when it fails.
func (s *Service) ForgetRoles(ctx context.Context, userIDs ...int64) error {
	if s.cache == nil {
		return nil
	}
	for _, id := range userIDs {
		if err := s.cache.Set(ctx, rolesKey(id), rolesTombstone, rolesTombstoneTTL); err != nil {
			return err
		}
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
