package model

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

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
// processes at once: a second process finds the version recorded.
func Migrate(ctx context.Context, db *gorm.DB, log *slog.Logger) error {
	return migrate(ctx, db, migrations, log)
}

func migrate(ctx context.Context, db *gorm.DB, list []Migration, log *slog.Logger) error {
	db = db.WithContext(ctx)
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
		// Claim the version first: a concurrent migrator fails on the
		// primary key instead of running the DDL twice. MySQL commits DDL
		// implicitly, so the claim is removed again if a statement fails.
		claim := schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}
		if err := Translate(db.Create(&claim).Error); err != nil {
			if errorsIsDuplicate(err) {
				continue
			}
			return fmt.Errorf("migration %d %s: %w", m.Version, m.Name, err)
		}
		for _, s := range stmts {
			if err := db.Exec(createTable(db, s)).Error; err != nil {
				db.Delete(&schemaMigration{}, "version = ?", m.Version)
				return fmt.Errorf("migration %d %s: %w\n%s", m.Version, m.Name, err, s)
			}
		}
		if log != nil {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	}
	return nil
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
