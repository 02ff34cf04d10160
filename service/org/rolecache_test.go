package org

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
)

// brokenCache fails every call when down is set.
type brokenCache struct {
	cache.Cache
	down atomic.Bool
}

func (b *brokenCache) Get(ctx context.Context, key string) (string, error) {
	if b.down.Load() {
		return "", cache.ErrUnavailable
	}
	return b.Cache.Get(ctx, key)
}

func TestScopeCacheFollowsTheTable(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		c := &brokenCache{Cache: cache.NewMemory(nil)}
		s := New(service.Env{}, Deps{DB: db, Cache: c}, Config{})
		o := &model.Org{ID: model.NewID(), Type: model.OrgFederation, Name: "湖北省总工会", RegionCode: "420000",
			Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		o.Path = model.RootPath(o.ID)
		if err := model.NewOrgStore(db).Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		user := model.NewID()
		count := func(want int) {
			t.Helper()
			sc, err := s.Scope(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Bindings) != want {
				t.Fatalf("%d bindings, want %d", len(sc.Bindings), want)
			}
		}
		count(0) // cached: no bindings
		b := model.RoleBinding{ID: model.NewID(), UserID: user, OrgID: o.ID, Role: "federation_admin", GrantedBy: user, CreatedAt: now}
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			if err := model.NewRoleStore(db).Create(ctx, &b); err != nil {
				return err
			}
			return s.ForgetRoles(ctx, user)
		})
		if err != nil {
			t.Fatal(err)
		}
		count(1) // the tombstone sends it to the table ...
		if v, _ := c.Get(ctx, rolesKey(user)); v != rolesTombstone {
			t.Fatalf("cache holds %q during the tombstone, want the tombstone (no fill)", v)
		}
		// ... and keeps a request that read the table before the change
		// from putting the old bindings back.
		if ok, _ := c.SetNX(ctx, rolesKey(user), "[]", rolesTTL); ok {
			t.Fatal("a stale fill replaced the tombstone")
		}
		if err := c.Delete(ctx, rolesKey(user)); err != nil {
			t.Fatal(err)
		}
		count(1) // filled again
		if v, _ := c.Get(ctx, rolesKey(user)); v == rolesTombstone || v == "" {
			t.Fatalf("cache holds %q after a miss, want the bindings", v)
		}
		// Revoked: gone at once.
		err = model.InTx(ctx, db, func(ctx context.Context) error {
			if err := model.NewRoleStore(db).Revoke(ctx, b.ID, user, now); err != nil {
				return err
			}
			return s.ForgetRoles(ctx, user)
		})
		if err != nil {
			t.Fatal(err)
		}
		count(0)
		// A dissolved org's roles act nowhere, cached or not.
		if err := c.Delete(ctx, rolesKey(user)); err != nil {
			t.Fatal(err)
		}
		b.ID, b.RevokedAt = model.NewID(), nil
		if err := model.NewRoleStore(db).Create(ctx, &b); err != nil {
			t.Fatal(err)
		}
		count(1)
		err = model.InTx(ctx, db, func(ctx context.Context) error {
			if err := model.NewOrgStore(db).Update(ctx, o.ID, o.Version, map[string]any{"status": model.OrgDissolved}); err != nil {
				return err
			}
			return s.forgetBoundAt(ctx, o.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		count(0)
		// With the cache down, the table answers.
		c.down.Store(true)
		count(0)
	})
}
