package model

// migrations is the schema's history. Append only: a released migration is
// never edited, a change is a new version. Types are the ones SQLite and
// MySQL both accept (BIGINT ids made by the application, DATETIME(6) in UTC,
// VARCHAR with explicit sizes so MySQL can index them).
var migrations = []Migration{
	{
		Version: 1,
		Name:    "users and sessions",
		Up: []string{
			`CREATE TABLE users (
				id BIGINT NOT NULL PRIMARY KEY,
				openid VARCHAR(64) NOT NULL,
				unionid VARCHAR(64) NULL,
				phone_enc VARCHAR(255) NULL,
				phone_idx VARCHAR(64) NULL,
				phone_bound_at DATETIME(6) NULL,
				created_at DATETIME(6) NOT NULL,
				updated_at DATETIME(6) NOT NULL
			)`,
			`CREATE UNIQUE INDEX ux_users_openid ON users (openid)`,
			`CREATE INDEX ix_users_phone_idx ON users (phone_idx)`,
			`CREATE TABLE sessions (
				id BIGINT NOT NULL PRIMARY KEY,
				user_id BIGINT NOT NULL,
				refresh_hash VARCHAR(64) NOT NULL,
				rotated_at DATETIME(6) NOT NULL,
				expires_at DATETIME(6) NOT NULL,
				revoked_at DATETIME(6) NULL,
				revoke_reason VARCHAR(32) NULL,
				created_at DATETIME(6) NOT NULL
			)`,
			`CREATE INDEX ix_sessions_user ON sessions (user_id, revoked_at)`,
		},
	},
	{
		Version: 2,
		Name:    "orgs, role bindings and invitations",
		Up: []string{
			`CREATE TABLE orgs (
				id BIGINT NOT NULL PRIMARY KEY,
				parent_id BIGINT NULL,
				path VARCHAR(255) NOT NULL,
				depth INT NOT NULL,
				type VARCHAR(16) NOT NULL,
				union_kind VARCHAR(16) NULL,
				name VARCHAR(100) NOT NULL,
				region_code VARCHAR(6) NOT NULL,
				unit_name VARCHAR(200) NULL,
				uscc VARCHAR(18) NULL,
				unit_type VARCHAR(32) NULL,
				industry_code VARCHAR(8) NULL,
				address VARCHAR(255) NULL,
				worker_count INT NOT NULL DEFAULT 0,
				accepts_applications BOOLEAN NOT NULL DEFAULT FALSE,
				status VARCHAR(16) NOT NULL,
				version INT NOT NULL DEFAULT 1,
				created_at DATETIME(6) NOT NULL,
				updated_at DATETIME(6) NOT NULL
			)`,
			`CREATE UNIQUE INDEX ux_orgs_path ON orgs (path)`,
			`CREATE INDEX ix_orgs_parent ON orgs (parent_id, created_at, id)`,
			`CREATE INDEX ix_orgs_search ON orgs (type, status, accepts_applications, region_code)`,
			`CREATE TABLE role_bindings (
				id BIGINT NOT NULL PRIMARY KEY,
				user_id BIGINT NOT NULL,
				org_id BIGINT NOT NULL,
				role VARCHAR(32) NOT NULL,
				granted_by BIGINT NOT NULL,
				invitation_id BIGINT NULL,
				created_at DATETIME(6) NOT NULL,
				revoked_at DATETIME(6) NULL,
				revoked_by BIGINT NULL
			)`,
			`CREATE INDEX ix_role_bindings_user ON role_bindings (user_id, revoked_at)`,
			`CREATE INDEX ix_role_bindings_org ON role_bindings (org_id, revoked_at, created_at, id)`,
			`CREATE TABLE invitations (
				id BIGINT NOT NULL PRIMARY KEY,
				code_hash VARCHAR(64) NOT NULL,
				org_id BIGINT NOT NULL,
				role VARCHAR(32) NOT NULL,
				created_by BIGINT NOT NULL,
				created_at DATETIME(6) NOT NULL,
				expires_at DATETIME(6) NOT NULL,
				used_by BIGINT NULL,
				used_at DATETIME(6) NULL,
				revoked_at DATETIME(6) NULL
			)`,
			`CREATE UNIQUE INDEX ux_invitations_code ON invitations (code_hash)`,
			`CREATE INDEX ix_invitations_creator ON invitations (created_by, org_id, used_by)`,
		},
	},
	migration3,
	migration4,
	migration5,
	migration6,
	migration7,
	migration8,
	migration9,
	migration10,
	migration11,
	migration12,
	migration13,
	migration14,
	migration15,
	migration16,
	migration17,
}
