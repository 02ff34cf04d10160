package model_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := model.Migrate(ctx, db, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		v, err := model.SchemaVersion(ctx, db)
		if err != nil || v != model.LatestVersion() {
			t.Fatalf("schema version = %d, %v; want %d", v, err, model.LatestVersion())
		}
	})
}

func TestConcurrentMigrateRunsEachOnce(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			migrateAtOnce(t, b, 3, model.Migrate)
		})
	}
}

// TestMigratorsWait: a migrator that finds another at work waits for it
// instead of running later migrations ahead of it. The first migration
// here takes half a second (on MySQL) before it creates the table the
// second one indexes; three migrators at once must all succeed.
func TestMigratorsWait(t *testing.T) {
	list := []model.Migration{
		{Version: 1, Name: "slow table",
			MySQL:  []string{"SELECT SLEEP(0.5)", "CREATE TABLE t_slow (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL)"},
			SQLite: []string{"CREATE TABLE t_slow (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL)"}},
		{Version: 2, Name: "its index", Up: []string{"CREATE INDEX ix_t_slow_n ON t_slow (n)"}},
	}
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			db := migrateAtOnce(t, b, 3, func(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
				return model.MigrateList(ctx, db, list, log)
			})
			if v, err := model.SchemaVersion(context.Background(), db); err != nil || v != 2 {
				t.Errorf("schema version %d, %v; want 2", v, err)
			}
		})
	}
}

// TestMigrateOnOneConnection: a pool of one connection migrates (the
// migration lock holds a connection of its own on MySQL; the statements
// must run on it rather than wait for another).
func TestMigrateOnOneConnection(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			db, err := model.Open(ctx, model.Options{Driver: b.Driver, DSN: modeltest.DSNFor(t, b), MaxOpenConns: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer model.Close(db)
			if err := model.Migrate(ctx, db, nil); err != nil {
				t.Fatal(err)
			}
			if v, err := model.SchemaVersion(ctx, db); err != nil || v != model.LatestVersion() {
				t.Fatalf("schema version %d, %v; want %d", v, err, model.LatestVersion())
			}
		})
	}
}

// TestMigrateAfterACrash: on MySQL a migrator that died inside a
// migration leaves its DDL done but the version unrecorded; the next one
// finishes the migration instead of failing on what exists.
func TestMigrateAfterACrash(t *testing.T) {
	for _, b := range modeltest.Backends() {
		if b.Driver != model.DialectMySQL {
			continue // SQLite's migrations are one transaction: nothing is left half done
		}
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := model.Open(ctx, model.Options{Driver: b.Driver, DSN: modeltest.DSNFor(t, b)})
			if err != nil {
				t.Fatal(err)
			}
			defer model.Close(db)
			create, index := "CREATE TABLE t_crash (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL)", "CREATE INDEX ix_t_crash_n ON t_crash (n)"
			for _, s := range []string{create, index} { // the dead migrator got this far
				if err := db.Exec(s).Error; err != nil {
					t.Fatal(err)
				}
			}
			list := []model.Migration{{Version: 1, Name: "crashed", Up: []string{create, index,
				"ALTER TABLE t_crash ADD COLUMN m INT NULL", "DROP INDEX ix_t_crash_n ON t_crash"}}}
			if err := model.MigrateList(ctx, db, list, nil); err != nil {
				t.Fatal(err)
			}
			if v, err := model.SchemaVersion(ctx, db); err != nil || v != 1 {
				t.Fatalf("schema version %d, %v; want 1", v, err)
			}
			if err := db.Exec("SELECT m FROM t_crash").Error; err != nil {
				t.Errorf("the rest of the migration did not run: %v", err)
			}
		})
	}
}

// migrateAtOnce runs n migrators at once on a fresh database of b, each
// on its own connections, checks that none failed and returns the
// database.
func migrateAtOnce(t *testing.T, b modeltest.Backend, n int, migrate func(context.Context, *gorm.DB, *slog.Logger) error) *gorm.DB {
	t.Helper()
	dsn := modeltest.DSNFor(t, b)
	open := func() (*gorm.DB, error) {
		return model.Open(context.Background(), model.Options{Driver: b.Driver, DSN: dsn})
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range errs {
		wg.Go(func() {
			db, err := open()
			if err != nil {
				errs[i] = err
				return
			}
			defer model.Close(db)
			errs[i] = migrate(context.Background(), db, nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
	}
	db, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = model.Close(db) })
	return db
}

func TestTranslate(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		users := model.NewUserStore(db)
		if _, err := users.Get(ctx, 42); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("Get missing = %v, want ErrNotFound", err)
		}
		u := model.User{ID: model.NewID(), OpenID: "o-dup"}
		if err := model.Translate(db.Create(&u).Error); err != nil {
			t.Fatal(err)
		}
		u2 := model.User{ID: model.NewID(), OpenID: "o-dup"}
		if err := model.Translate(db.Create(&u2).Error); !errors.Is(err, model.ErrDuplicate) {
			t.Errorf("duplicate openid = %v, want ErrDuplicate", err)
		}
	})
}

func TestUpsertByOpenIDConcurrent(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		users := model.NewUserStore(db)
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u, err := users.UpsertByOpenID(context.Background(), "same-openid", nil)
				if err != nil {
					t.Errorf("upsert: %v", err)
					return
				}
				ids[i] = u.ID
			}()
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("concurrent first logins made different users: %v", ids)
			}
		}
	})
}

func TestSessionRotateExactlyOnce(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := model.NewSessionStore(db)
		now := time.Now().UTC()
		s := &model.Session{ID: model.NewID(), UserID: 1, RefreshHash: "h0", RotatedAt: now, ExpiresAt: now.Add(time.Hour), CreatedAt: now}
		if err := store.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := store.Rotate(ctx, s, "h1", now, now.Add(time.Hour))
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, model.ErrConflict):
					t.Errorf("rotate: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d rotations won, want 1", wins.Load())
		}
		if err := store.Revoke(ctx, s.ID, "logout", now); err != nil {
			t.Fatal(err)
		}
		s.RefreshHash = "h1"
		if err := store.Rotate(ctx, s, "h2", now, now.Add(time.Hour)); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("rotate revoked = %v, want ErrConflict", err)
		}
		got, err := store.Get(ctx, s.ID)
		if err != nil || got.Active(now) {
			t.Fatalf("revoked session active: %+v %v", got, err)
		}
	})
}

func TestIDsUnique(t *testing.T) {
	g := model.NewIDGen()
	seen := make(map[int64]bool, 100000)
	for i := 0; i < 100000; i++ {
		id := g.Next()
		if id <= 0 || seen[id] {
			t.Fatalf("id %d repeated or not positive", id)
		}
		seen[id] = true
	}
}
