// Package modeltest opens migrated test databases: SQLite in a temporary
// directory always, and MySQL/MariaDB when UNIONHUB_TEST_MYSQL_DSN names a
// server (CI always does). Each MySQL test gets a database of its own,
// dropped when the test ends, so packages can run in parallel.
package modeltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// EnvMySQLDSN names the MySQL server tests may use, e.g.
// root@tcp(127.0.0.1:3306)/ (the database part is ignored).
const EnvMySQLDSN = "UNIONHUB_TEST_MYSQL_DSN"

// Backend is one database a test runs against.
type Backend struct {
	Name   string // "sqlite" or "mysql"
	Driver string
	DSN    string
}

// Backends lists the databases tests run on: SQLite always, MySQL when
// configured.
func Backends() []Backend {
	b := []Backend{{Name: "sqlite", Driver: model.DialectSQLite}}
	if dsn := os.Getenv(EnvMySQLDSN); dsn != "" {
		b = append(b, Backend{Name: "mysql", Driver: model.DialectMySQL, DSN: dsn})
	}
	return b
}

// Each runs fn as a subtest on every backend, with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, Open(t, b)) })
	}
}

// EachTwoNodes runs fn as a subtest on every backend with two connection
// pools on one fresh migrated database, as two nodes would have; both are
// closed (and a MySQL database dropped) when the subtest ends.
func EachTwoNodes(t *testing.T, fn func(t *testing.T, a, b *gorm.DB)) {
	t.Helper()
	for _, be := range Backends() {
		t.Run(be.Name, func(t *testing.T) {
			dsn := DSNFor(t, be)
			open := func() *gorm.DB {
				db, err := model.Open(context.Background(), model.Options{Driver: be.Driver, DSN: dsn, MaxOpenConns: 10})
				if err != nil {
					t.Fatalf("open %s: %v", be.Name, err)
				}
				t.Cleanup(func() { _ = model.Close(db) })
				return db
			}
			a := open()
			if err := model.Migrate(context.Background(), a, nil); err != nil {
				t.Fatalf("migrate %s: %v", be.Name, err)
			}
			fn(t, a, open())
		})
	}
}

// Open returns a fresh, migrated database on backend b, closed and (for
// MySQL) dropped when t ends.
func Open(t testing.TB, b Backend) *gorm.DB {
	t.Helper()
	driver, dsn := b.Driver, ""
	switch driver {
	case model.DialectMySQL:
		dsn = createMySQLDatabase(t, b.DSN)
	default:
		dsn = t.TempDir() + "/test.db"
	}
	db, err := model.Open(context.Background(), model.Options{Driver: driver, DSN: dsn, MaxOpenConns: 20})
	if err != nil {
		t.Fatalf("open %s: %v", b.Name, err)
	}
	t.Cleanup(func() { _ = model.Close(db) })
	if err := model.Migrate(context.Background(), db, nil); err != nil {
		t.Fatalf("migrate %s: %v", b.Name, err)
	}
	return db
}

// DSNFor returns a DSN of a new empty database on backend b (a file path for
// SQLite), dropped when t ends; for tests that open the database themselves.
func DSNFor(t testing.TB, b Backend) string {
	t.Helper()
	if b.Driver == model.DialectMySQL {
		return createMySQLDatabase(t, b.DSN)
	}
	return t.TempDir() + "/test.db"
}

func createMySQLDatabase(t testing.TB, serverDSN string) string {
	t.Helper()
	cfg, err := mysqldrv.ParseDSN(serverDSN)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQLDSN, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "uh_test_" + hex.EncodeToString(b[:])
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("mysql: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS `%s`", name))
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}
