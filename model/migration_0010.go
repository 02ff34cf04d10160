package model

// migration10 makes the review queue's index covering: it holds every
// column a review list shows (reviewListColumns), so a page of the queue
// is read from the index alone, without looking up each row (those
// lookups were most of the page's cost on a 1 M-application table). Its
// first columns are the old queue index's, which it replaces. Only
// ciphertext is in it (id_number_enc), as in the table.
var migration10 = Migration{
	Version: 10,
	Name:    "covering index of the review queue",
	Up: []string{
		`CREATE INDEX ix_applications_review ON applications (org_id, status, created_at, id, version, name,
			id_type, gender, birth_date, id_number_enc, work_type, is_migrant_worker, is_dispatched, flagged,
			submitted_at)`,
	},
	MySQL:  []string{`DROP INDEX ix_applications_queue ON applications`},
	SQLite: []string{`DROP INDEX ix_applications_queue`},
}
