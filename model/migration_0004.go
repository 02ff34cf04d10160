package model

// migration4 holds the audit log: append-only rows chained by hash, and the
// one-row head that appends lock, so the nodes extend one chain.
var migration4 = Migration{
	Version: 4,
	Name:    "audit log",
	Up: []string{
		`CREATE TABLE audit_logs (
			id BIGINT NOT NULL PRIMARY KEY,
			seq BIGINT NOT NULL,
			actor_id BIGINT NULL,
			org_id BIGINT NULL,
			action VARCHAR(64) NOT NULL,
			target VARCHAR(128) NOT NULL,
			request_id VARCHAR(128) NOT NULL,
			detail TEXT NOT NULL,
			created_at DATETIME(6) NOT NULL,
			prev_hash VARCHAR(64) NOT NULL,
			hash VARCHAR(64) NOT NULL
		)`,
		`CREATE UNIQUE INDEX ux_audit_logs_seq ON audit_logs (seq)`,
		`CREATE INDEX ix_audit_logs_org ON audit_logs (org_id, created_at, id)`,
		`CREATE INDEX ix_audit_logs_action ON audit_logs (action, created_at)`,
		`CREATE TABLE audit_head (
			id INT NOT NULL PRIMARY KEY,
			seq BIGINT NOT NULL,
			hash VARCHAR(64) NOT NULL,
			updated_at DATETIME(6) NOT NULL
		)`,
		`INSERT INTO audit_head (id, seq, hash, updated_at) VALUES (1, 0, '` + AuditGenesis + `', '2024-01-01 00:00:00')`,
	},
}
