package model

// migration12 records how each audit row's hash was made (HashVersion).
// Rows written before it keep their plain SHA-256 hash (version 1) and are
// not rehashed: a rehash would bless whatever the table held at that
// moment, and the first keyed row, whose keyed hash covers the last plain
// row's hash, pins them anyway. Rows written after it are keyed (version 2).
var migration12 = Migration{
	Version: 12,
	Name:    "audit hash version",
	Up:      []string{`ALTER TABLE audit_logs ADD COLUMN hash_version SMALLINT NOT NULL DEFAULT 1`},
}
