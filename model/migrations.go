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
}
