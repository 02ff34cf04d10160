package org

import (
	"context"
	"errors"
	"strings"
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

// cachedRoles returns what the cache holds under user's roles key.
func cachedRoles(t *testing.T, c cache.Cache, user int64) string {
	t.Helper()
	v, err := c.Get(context.Background(), rolesKey(user))
	if err != nil {
		t.Fatalf("cache: %v", err)
	}
	return v
}

// rootOrg creates a provincial federation at the root.
func rootOrg(t *testing.T, db *gorm.DB, now time.Time) *model.Org {
	t.Helper()
	o := &model.Org{ID: model.NewID(), Type: model.OrgFederation, Name: "湖北省总工会", RegionCode: "420000",
		Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	o.Path = model.RootPath(o.ID)
	if err := model.NewOrgStore(db).Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestScopeCacheFollowsTheTable(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		c := &brokenCache{Cache: cache.NewMemory(nil)}
		s := New(service.Env{}, Deps{DB: db, Cache: c}, Config{})
		o := rootOrg(t, db, now)
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
		cached := func() string { t.Helper(); return cachedRoles(t, c, user) }
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			if err := model.NewRoleStore(db).Create(ctx, &b); err != nil {
				return err
			}
			if err := s.ForgetRoles(ctx, user); err != nil {
				return err
			}
			// Before the commit: the transaction sees its own binding and
			// fills nothing, as the tombstone keeps every reader away.
			sc, err := s.Scope(ctx, user)
			if err != nil || len(sc.Bindings) != 1 {
				t.Fatalf("scope in the transaction: %v, %v", sc.Bindings, err)
			}
			if v := cached(); !strings.HasPrefix(v, rolesTombstone) {
				t.Fatalf("cache holds %q before the commit, want the tombstone", v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		settled := cached()
		if !strings.HasPrefix(settled, rolesSettled) {
			t.Fatalf("cache holds %q after the commit, want the settled marker", settled)
		}
		// A request that read the table before the change cannot put the
		// old bindings back ...
		if ok, _ := c.SetNX(ctx, rolesKey(user), "[]", rolesTTL); ok {
			t.Fatal("a stale fill replaced the settled marker")
		}
		count(1) // ... and the next reader fills from the table at once.
		if v := cached(); !strings.HasPrefix(v, "[") {
			t.Fatalf("cache holds %q after a read of the settled marker, want the bindings", v)
		}
		if err := c.Delete(ctx, rolesKey(user)); err != nil {
			t.Fatal(err)
		}
		count(1) // filled again
		if v := cached(); !strings.HasPrefix(v, "[") {
			t.Fatalf("cache holds %q after a miss, want the bindings", v)
		}
		// A change that rolls back settles nothing: its tombstone stands
		// until it expires, and readers go to the table meanwhile.
		_ = model.InTx(ctx, db, func(ctx context.Context) error {
			if err := s.ForgetRoles(ctx, user); err != nil {
				return err
			}
			return errors.New("rolled back")
		})
		tomb := cached()
		if !strings.HasPrefix(tomb, rolesTombstone) {
			t.Fatalf("cache holds %q after a rollback, want the tombstone", tomb)
		}
		count(1)
		if v := cached(); v != tomb {
			t.Fatalf("cache holds %q after a read under the tombstone, want it unchanged", v)
		}
		// A change settles only its own tombstone: a later change's stays
		// until that one commits, and a reader that saw the first marker
		// cannot fill over the later tombstone.
		err = model.InTx(ctx, db, func(ctx context.Context) error {
			if err := s.ForgetRoles(ctx, user); err != nil {
				return err
			}
			return c.Set(ctx, rolesKey(user), rolesTombstone+"later", rolesTombstoneTTL)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := cached(); v != rolesTombstone+"later" {
			t.Fatalf("cache holds %q, want the later change's tombstone", v)
		}
		if ok, _ := c.CompareAndSwap(ctx, rolesKey(user), settled, "[]", rolesTTL); ok {
			t.Fatal("a fill swapped an old settled marker over a later tombstone")
		}
		if err := c.Delete(ctx, rolesKey(user)); err != nil {
			t.Fatal(err)
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

// TestOverlappingRoleChanges: a change that commits while another is
// still open leaves the other's tombstone standing, so no reader can
// cache what the table held before the open change commits; a change
// whose tombstone expired while it ran puts its marker over what a reader
// filled meanwhile.
func TestOverlappingRoleChanges(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		c := cache.NewMemory(nil)
		s := New(service.Env{}, Deps{DB: db, Cache: c}, Config{})
		user := model.NewID()
		cached := func() string { t.Helper(); return cachedRoles(t, c, user) }
		wantPrefix := func(prefix, when string) {
			t.Helper()
			if v := cached(); !strings.HasPrefix(v, prefix) {
				t.Fatalf("%s the cache holds %q, want it to start with %q", when, v, prefix)
			}
		}
		scope := func() {
			t.Helper()
			if _, err := s.Scope(ctx, user); err != nil {
				t.Fatal(err)
			}
		}
		err := model.InTx(ctx, db, func(txCtx context.Context) error {
			if err := s.ForgetRoles(txCtx, user); err != nil { // B: open until this returns
				return err
			}
			open := cached()
			if err := s.ForgetRoles(ctx, user); err != nil { // A: committed already, settles at once
				return err
			}
			if v := cached(); v != open {
				t.Fatalf("after A committed the cache holds %q, want B's tombstone %q", v, open)
			}
			scope() // reads the table, fills nothing
			if v := cached(); v != open {
				t.Fatalf("a reader filled %q over B's tombstone", v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantPrefix(rolesSettled, "after B committed")
		scope()
		wantPrefix("[", "after a read of the marker")

		err = model.InTx(ctx, db, func(txCtx context.Context) error {
			if err := s.ForgetRoles(txCtx, user); err != nil {
				return err
			}
			// The tombstone expires while the transaction runs, and a
			// reader fills what the table holds before the commit.
			if err := c.Delete(ctx, rolesKey(user)); err != nil {
				return err
			}
			scope()
			wantPrefix("[", "after a miss")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantPrefix(rolesSettled, "after the commit (over the early fill)")
	})
}

func TestSettled(t *testing.T) {
	tests := []struct {
		name, v string
		found   bool
		want    string
		write   bool
	}{
		{"its own tombstone alone", "-n", true, "~n", true},
		{"others still pending", "-a,n,b", true, "-a,b", true},
		{"the last of several", "-a,n", true, "-a", true},
		{"another's tombstone only", "-a,b", true, "", false},
		{"an old-style tombstone", "-", true, "", false},
		{"a fill after its tombstone expired", `[{"id":1}]`, true, "~n", true},
		{"another's marker", "~a", true, "~n", true},
		{"nothing", "", false, "~n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, write := settled(tt.v, tt.found, "n")
			if got != tt.want || write != tt.write {
				t.Fatalf("settled(%q) = %q, %v; want %q, %v", tt.v, got, write, tt.want, tt.write)
			}
		})
	}
}

// TestOrgChangeSeesABindingAcceptedMeanwhile: an org change whose
// transaction read before a binding at the org was committed still drops
// that user's cached roles (a locking read of the bindings, not the
// transaction's snapshot), so the user's cached bindings cannot keep the
// org as it was. MySQL only: SQLite serialises writers, and a transaction
// that read before another's commit cannot write at all.
func TestOrgChangeSeesABindingAcceptedMeanwhile(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		if model.Dialect(db) != model.DialectMySQL {
			t.Skip("SQLite serialises writers")
		}
		ctx := context.Background()
		now := time.Now().UTC()
		c := cache.NewMemory(nil)
		s := New(service.Env{}, Deps{DB: db, Cache: c}, Config{})
		o := rootOrg(t, db, now)
		user := model.NewID()
		err := model.InTx(ctx, db, func(txCtx context.Context) error {
			var n int64 // the transaction's snapshot starts here
			if err := model.Conn(txCtx, db).Model(&model.RoleBinding{}).Count(&n).Error; err != nil {
				return err
			}
			// Meanwhile a binding at the org is accepted and committed,
			// and a request caches it with the org as it is.
			b := model.RoleBinding{ID: model.NewID(), UserID: user, OrgID: o.ID, Role: "federation_admin",
				GrantedBy: user, CreatedAt: now}
			err := model.InTx(ctx, db, func(ctx context.Context) error {
				if err := model.NewRoleStore(db).Create(ctx, &b); err != nil {
					return err
				}
				return s.ForgetRoles(ctx, user)
			})
			if err != nil {
				return err
			}
			if sc, err := s.Scope(ctx, user); err != nil || len(sc.Bindings) != 1 || sc.Bindings[0].OrgName != o.Name {
				t.Fatalf("scope before the rename: %+v, %v", sc.Bindings, err)
			}
			if err := model.NewOrgStore(db).Update(txCtx, o.ID, o.Version, map[string]any{"name": "湖北省总工会（新）"}); err != nil {
				return err
			}
			return s.forgetBoundAt(txCtx, o.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := s.Scope(ctx, user)
		if err != nil || len(sc.Bindings) != 1 || sc.Bindings[0].OrgName != "湖北省总工会（新）" {
			t.Fatalf("scope after the rename: %+v, %v; want the new name", sc.Bindings, err)
		}
	})
}

// contendedCache: another writer gets in before every compare-and-swap.
type contendedCache struct {
	cache.Cache
	swaps atomic.Int32
}

func (c *contendedCache) CompareAndSwap(context.Context, string, string, string, time.Duration) (bool, error) {
	c.swaps.Add(1)
	return false, nil
}

// TestRoleChangeFailsWhenItCannotTombstone: a change whose tombstone loses
// every compare-and-swap fails with 503 after rolesSwapAttempts tries,
// rather than commit with the old bindings cached.
func TestRoleChangeFailsWhenItCannotTombstone(t *testing.T) {
	ctx := context.Background()
	c := &contendedCache{Cache: cache.NewMemory(nil)}
	user := model.NewID()
	if err := c.Set(ctx, rolesKey(user), "[]", rolesTTL); err != nil {
		t.Fatal(err)
	}
	s := New(service.Env{}, Deps{Cache: c}, Config{})
	err := s.ForgetRoles(ctx, user)
	if service.KindOf(err) != service.KindUnavailable {
		t.Fatalf("ForgetRoles = %v, want unavailable", err)
	}
	if n := c.swaps.Load(); n != rolesSwapAttempts {
		t.Fatalf("%d compare-and-swaps, want %d", n, rolesSwapAttempts)
	}
	if v, _ := c.Get(ctx, rolesKey(user)); v != "[]" {
		t.Fatalf("cache holds %q", v)
	}
}

// ctxCache fails a call whose context has ended, as Redis's client does.
type ctxCache struct{ cache.Cache }

func (c ctxCache) Get(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return c.Cache.Get(ctx, key)
}

// TestSettleOutlivesTheRequest: a request that ends between its commit
// and the settle (the client went away) still settles its change.
func TestSettleOutlivesTheRequest(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := ctxCache{cache.NewMemory(nil)}
		s := New(service.Env{}, Deps{DB: db, Cache: c}, Config{})
		user := model.NewID()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			model.AfterCommit(ctx, func(context.Context) { cancel() }) // runs first: the client leaves
			return s.ForgetRoles(ctx, user)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := c.Get(context.Background(), rolesKey(user)); !strings.HasPrefix(v, rolesSettled) {
			t.Fatalf("cache holds %q, want the settled marker", v)
		}
	})
}
