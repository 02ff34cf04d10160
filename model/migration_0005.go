package model

// migration5 holds the background machinery: one-off jobs (imports,
// exports) claimed with a lease, named leases for periodic singleton tasks,
// in-app notifications, and the outbox of messages to send to WeChat. The
// lease columns are what nodes compete for with conditional UPDATEs, which
// works on SQLite, MySQL and TiDB alike (no SKIP LOCKED).
var migration5 = Migration{
	Version: 5,
	Name:    "jobs, notifications and outbox",
	Up: []string{
		`CREATE TABLE jobs (
			id BIGINT NOT NULL PRIMARY KEY,
			kind VARCHAR(32) NOT NULL,
			status VARCHAR(16) NOT NULL,
			payload TEXT NOT NULL,
			result TEXT NULL,
			org_id BIGINT NULL,
			created_by BIGINT NULL,
			attempts INT NOT NULL DEFAULT 0,
			lease_owner VARCHAR(64) NULL,
			lease_until DATETIME(6) NULL,
			run_after DATETIME(6) NOT NULL,
			created_at DATETIME(6) NOT NULL,
			updated_at DATETIME(6) NOT NULL,
			finished_at DATETIME(6) NULL
		)`,
		`CREATE INDEX ix_jobs_due ON jobs (status, run_after)`,
		`CREATE TABLE leases (
			name VARCHAR(64) NOT NULL PRIMARY KEY,
			owner VARCHAR(64) NOT NULL,
			lease_until DATETIME(6) NOT NULL
		)`,
		`CREATE TABLE notifications (
			id BIGINT NOT NULL PRIMARY KEY,
			user_id BIGINT NOT NULL,
			kind VARCHAR(32) NOT NULL,
			title VARCHAR(100) NOT NULL,
			body VARCHAR(500) NOT NULL,
			data TEXT NOT NULL,
			read_at DATETIME(6) NULL,
			created_at DATETIME(6) NOT NULL
		)`,
		`CREATE INDEX ix_notifications_user ON notifications (user_id, created_at, id)`,
		`CREATE TABLE outbox (
			id BIGINT NOT NULL PRIMARY KEY,
			kind VARCHAR(32) NOT NULL,
			payload TEXT NOT NULL,
			status VARCHAR(16) NOT NULL,
			attempts INT NOT NULL DEFAULT 0,
			next_attempt_at DATETIME(6) NOT NULL,
			last_error VARCHAR(255) NULL,
			lease_until DATETIME(6) NULL,
			created_at DATETIME(6) NOT NULL,
			sent_at DATETIME(6) NULL
		)`,
		`CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at)`,
	},
}
