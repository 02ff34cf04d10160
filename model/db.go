// Package model holds UnionHub's GORM structs, their queries, migrations
// and the error kinds the services see. It knows SQLite and MySQL/MariaDB
// (and stays TiDB-compatible: no SKIP LOCKED, no reliance on auto-increment).
package model

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Dialects UnionHub runs on.
const (
	DialectSQLite = "sqlite"
	DialectMySQL  = "mysql"
)

// Options opens a database.
type Options struct {
	Driver          string // sqlite or mysql
	DSN             string // empty sqlite DSN: DataDir/unionhub.db
	DataDir         string
	MaxOpenConns    int
	MaxIdleConns    int // 0: MaxOpenConns
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	Logger          *slog.Logger
}

// Open connects to the database named by opts and checks it answers.
func Open(ctx context.Context, opts Options) (*gorm.DB, error) {
	gcfg := &gorm.Config{
		Logger:                 newGormLogger(opts.Logger),
		SkipDefaultTransaction: true,
		PrepareStmt:            opts.Driver == DialectMySQL,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         false,
	}
	var (
		db  *gorm.DB
		err error
	)
	switch opts.Driver {
	case DialectSQLite, "":
		dsn := opts.DSN
		if dsn == "" {
			dsn = filepath.Join(opts.DataDir, "unionhub.db")
		}
		if err := privateSQLiteFiles(dsn, opts.DSN == ""); err != nil {
			return nil, err
		}
		db, err = openSQLite(ctx, sqliteDSN(dsn), gcfg)
	case DialectMySQL:
		dsn, derr := mysqlDSN(opts.DSN)
		if derr != nil {
			return nil, derr
		}
		db, err = gorm.Open(mysql.New(mysql.Config{DSN: dsn}), gcfg)
	default:
		return nil, fmt.Errorf("unknown database driver %q", opts.Driver)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if opts.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(opts.MaxOpenConns)
	}
	// Idle as many as may be open unless told otherwise: database/sql keeps
	// 2, and closes every connection a burst opened beyond them.
	if idle := cmp.Or(opts.MaxIdleConns, opts.MaxOpenConns); idle > 0 {
		sqlDB.SetMaxIdleConns(idle)
	}
	if opts.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(opts.ConnMaxLifetime)
	}
	if opts.ConnMaxIdleTime > 0 {
		sqlDB.SetConnMaxIdleTime(opts.ConnMaxIdleTime)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("database does not answer: %w", err)
	}
	return db, nil
}

// openSQLite opens a SQLite database, trying again for a while when the
// file is busy: a connection that switches a new file to WAL while another
// process is writing it (a migration, say) is refused at once, without
// waiting out the busy timeout the way statements do.
func openSQLite(ctx context.Context, dsn string, cfg *gorm.Config) (*gorm.DB, error) {
	deadline := time.Now().Add(sqliteOpenWait)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		db, err := gorm.Open(sqlite.Open(dsn), cfg)
		if err == nil {
			return db, nil
		}
		if db != nil { // the pool the failed attempt opened
			if sqlDB, derr := db.DB(); derr == nil {
				_ = sqlDB.Close()
			}
		}
		if !strings.Contains(err.Error(), "SQLITE_BUSY") || time.Now().Add(wait).After(deadline) {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// sqliteOpenWait is how long Open waits for a busy SQLite file, as long as
// a statement waits for a lock (busy_timeout).
const sqliteOpenWait = 10 * time.Second

// Dialect names the database behind db.
func Dialect(db *gorm.DB) string {
	if db.Dialector.Name() == "mysql" {
		return DialectMySQL
	}
	return DialectSQLite
}

// Close closes the connection pool behind db.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// sqliteDSN adds the pragmas UnionHub needs: WAL, a busy timeout, foreign
// keys, and immediate write transactions so concurrent writers queue
// instead of failing with SQLITE_BUSY on upgrade.
func sqliteDSN(path string) string {
	if strings.Contains(path, "_pragma=") {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	// busy_timeout first, so that switching to WAL waits for a lock too.
	return path + sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// mysqlDSN forces the settings UnionHub relies on: utf8mb4, parseTime, UTC.
func mysqlDSN(dsn string) (string, error) {
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse UNIONHUB_DB_DSN: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.Params["time_zone"] = "'+00:00'"
	return cfg.FormatDSN(), nil
}

// Ping checks that the database answers (the readiness probe).
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}
