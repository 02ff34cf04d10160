package model

// migration7 adds membership transfers (会籍接转). pending_key is the member
// id while a transfer is pending and NULL after, so the unique index allows
// one pending transfer per member.
var migration7 = Migration{
	Version: 7,
	Name:    "transfers",
	Up: []string{
		`CREATE TABLE transfers (
			id BIGINT NOT NULL PRIMARY KEY,
			member_id BIGINT NOT NULL,
			user_id BIGINT NOT NULL,
			from_org_id BIGINT NOT NULL,
			to_org_id BIGINT NOT NULL,
			status VARCHAR(16) NOT NULL,
			reason VARCHAR(500) NULL,
			pending_key BIGINT NULL,
			decided_by BIGINT NULL,
			decided_at DATETIME(6) NULL,
			decision_reason VARCHAR(500) NULL,
			version INT NOT NULL,
			created_at DATETIME(6) NOT NULL,
			updated_at DATETIME(6) NOT NULL
		)`,
		`CREATE UNIQUE INDEX ux_transfers_pending ON transfers (pending_key)`,
		`CREATE INDEX ix_transfers_to ON transfers (to_org_id, status, created_at, id)`,
		`CREATE INDEX ix_transfers_member ON transfers (member_id, created_at)`,
	},
}
