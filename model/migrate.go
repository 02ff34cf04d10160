package model

import (
	"context"
	"crypto/md5"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// Migration is one versioned schema change. Statements are written once in
// the SQL both dialects accept; where a dialect needs its own DDL the
// migration gives MySQL or SQLite statements of their own.
type Migration struct {
	Version int
	Name    string
	// Up runs on every dialect.
	Up []string
	// MySQL and SQLite run after Up on that dialect only.
	MySQL  []string
	SQLite []string
}

// schemaMigration records one applied migration.
type schemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200;not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// tableOptions end every CREATE TABLE on MySQL.
const tableOptions = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

// Migrate applies every migration newer than the database's, in order, and
// records each. It is safe to run while servers are up and by several
// processes at once: one migrates while the others wait for it (a lock
// per database on MySQL and TiDB; the write lock of one transaction on
// SQLite, whose DDL is transactional), then find the versions recorded.
// Without waiting, a second process could run a migration whose tables an
// earlier one, still running in the first, had not created yet.
func Migrate(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	return migrate(ctx, db, migrations, log)
}

// migrateLockWait bounds the wait for another process's migrations.
const migrateLockWait = 10 * time.Minute

func migrate(ctx context.Context, db *gorm.DB, list []Migration, log *slog.Logger) error {
	db = db.WithContext(ctx)
	if Dialect(db) == DialectSQLite {
		return InTx(ctx, db, func(ctx context.Context) error {
			return applyPending(Conn(ctx, db), list, log)
		})
	}
	locked, unlock, err := lockMigrations(ctx, db)
	if err != nil {
		return err
	}
	defer unlock()
	return applyPending(locked, list, log)
}

// lockMigrations takes the advisory lock of this database's migrations
// (GET_LOCK on a connection of its own, so a process that dies releases
// it with its connection) and returns a handle that runs statements on
// that connection (a pool of one connection would otherwise wait for
// itself), and the release.
func lockMigrations(ctx context.Context, db *gorm.DB) (locked *gorm.DB, unlock func(), err error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	var database sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&database); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	if !database.Valid || database.String == "" {
		conn.Close()
		return nil, nil, errors.New("migrate: the database DSN names no database (…/dbname)")
	}
	// One lock per database (a lock name has 64 characters at most).
	name := fmt.Sprintf("uh_migrate:%x", md5.Sum([]byte(database.String)))
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, int(migrateLockWait.Seconds())).Scan(&got); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		conn.Close()
		return nil, nil, fmt.Errorf("migration lock: another process has been migrating %s for %s", database.String, migrateLockWait)
	}
	locked = db.Session(&gorm.Session{NewDB: true, Context: ctx})
	locked.Statement.ConnPool = conn
	return locked, func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", name)
		conn.Close()
	}, nil
}

// applyPending runs the migrations of list not recorded yet, in order,
// recording each once its statements succeeded. The caller holds the
// migration lock.
func applyPending(db *gorm.DB, list []Migration, log *slog.Logger) error {
	if err := db.Exec(createTable(db, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INT NOT NULL PRIMARY KEY,
		name VARCHAR(200) NOT NULL,
		applied_at DATETIME(6) NOT NULL
	)`)).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []schemaMigration
	if err := db.Find(&applied).Error; err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	done := make(map[int]bool, len(applied))
	for _, m := range applied {
		done[m.Version] = true
	}
	dialect := Dialect(db)
	for _, m := range list {
		if done[m.Version] {
			continue
		}
		stmts := append([]string{}, m.Up...)
		if dialect == DialectMySQL {
			stmts = append(stmts, m.MySQL...)
		} else {
			stmts = append(stmts, m.SQLite...)
		}
		for _, s := range stmts {
			err := db.Exec(createTable(db, s)).Error
			if alreadyDone(err) {
				// MySQL commits each DDL statement: a migrator that
				// died inside this migration left it half applied
				// and unrecorded. What it did stays done.
				if log != nil {
					log.Warn("migration statement already applied", "version", m.Version, "err", err.Error())
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("migration %d %s: %w\n%s", m.Version, m.Name, err, s)
			}
		}
		rec := schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}
		if err := Translate(db.Create(&rec).Error); err != nil {
			return fmt.Errorf("migration %d %s: recording it: %w", m.Version, m.Name, err)
		}
		if log != nil {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	}
	return nil
}

// alreadyDone reports a MySQL error that says a DDL statement's work is
// there already: the table, column or index exists (1050, 1060, 1061), or
// what it drops is gone (1091).
func alreadyDone(err error) bool {
	var me *mysqldrv.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Number {
	case 1050, 1060, 1061, 1091:
		return true
	}
	return false
}

// createTable adapts a statement to the dialect: MySQL gets the table
// options on CREATE TABLE; SQLite gets plain DATETIME, the declared type its
// driver recognises when scanning into time.Time.
func createTable(db *gorm.DB, stmt string) string {
	if Dialect(db) == DialectSQLite {
		return strings.ReplaceAll(stmt, "DATETIME(6)", "DATETIME")
	}
	if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(stmt)), "CREATE TABLE") {
		return stmt + tableOptions
	}
	return stmt
}

// SchemaVersion returns the newest applied migration version (0 for none).
func SchemaVersion(ctx context.Context, db *gorm.DB) (int, error) {
	var v *int
	err := db.WithContext(ctx).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// LatestVersion is the newest migration this build knows.
func LatestVersion() int {
	latest := 0
	for _, m := range migrations {
		latest = max(latest, m.Version)
	}
	return latest
}
