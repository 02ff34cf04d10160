package model

// migration9 holds what imports and exports keep besides their jobs: the
// file of each (an import's uploaded sheet, an export's output), stored
// encrypted in numbered parts and deleted when it expires, and an import's
// bad rows, one line each, so a 100 000-row sheet's errors are never one
// giant JSON value. row_no, not row: ROW is reserved in MySQL 8.
var migration9 = Migration{
	Version: 9,
	Name:    "imports and exports",
	Up: []string{
		`CREATE TABLE job_files (
			job_id BIGINT NOT NULL PRIMARY KEY,
			kind VARCHAR(16) NOT NULL,
			owner_id BIGINT NOT NULL,
			org_id BIGINT NOT NULL,
			storage_prefix VARCHAR(64) NOT NULL,
			parts INT NOT NULL,
			size BIGINT NOT NULL,
			filename VARCHAR(128) NOT NULL,
			content_type VARCHAR(128) NOT NULL,
			created_at DATETIME(6) NOT NULL,
			expires_at DATETIME(6) NOT NULL,
			deleted_at DATETIME(6) NULL
		)`,
		`CREATE INDEX ix_job_files_expiry ON job_files (deleted_at, expires_at)`,
		`CREATE TABLE import_errors (
			job_id BIGINT NOT NULL,
			seq INT NOT NULL,
			row_no INT NOT NULL,
			field VARCHAR(32) NOT NULL,
			message VARCHAR(255) NOT NULL,
			PRIMARY KEY (job_id, seq)
		)`,
	},
}
