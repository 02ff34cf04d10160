package model

// migration15 gives submitted applications their review deadline (API.md
// §11) and records which deadline notices went out, so that each goes out
// once whatever the number of nodes sweeping (see ApplicationStore.MarkNotice).
//
// due_on is a business date, YYYY-MM-DD in a VARCHAR(10) like joined_on and
// birth_date: the text orders as the dates do, and the model stays free of
// the calendar. The indexes:
//
//   - ix_applications_review is rebuilt with due_on and escalated_at at its
//     end, so that a page of the queue, which now shows them, is still read
//     from the index alone. The ?overdue=true queue uses it too: besides
//     due_on < today, ListForReview bounds created_at by the last
//     submission day that can be overdue today (an application is created
//     before it is submitted), so the walk in the keyset order starts at the
//     overdue ones instead of stepping over every application still in time.
//   - ix_applications_due (org_id, status, due_on) counts a subtree's overdue
//     applications for the overview: one index range per union, as long as
//     its overdue list.
//   - ix_applications_deadline (status, escalated_at, due_on) is the sweep's:
//     submitted, not yet escalated, due within the reminder window; the
//     applications already escalated are outside the range.
//   - ix_applications_decided (org_id, reviewed_at, status, submitted_at)
//     serves the month's time to decision in the overview: one range per
//     union over the month's decisions, from the index alone.
var migration15 = Migration{
	Version: 15,
	Name:    "review deadlines and their notices",
	Up: []string{
		`ALTER TABLE applications ADD COLUMN due_on VARCHAR(10) NULL`,
		`ALTER TABLE applications ADD COLUMN reminded_at DATETIME(6) NULL`,
		`ALTER TABLE applications ADD COLUMN due_reminded_at DATETIME(6) NULL`,
		`ALTER TABLE applications ADD COLUMN escalated_at DATETIME(6) NULL`,
		`CREATE INDEX ix_applications_due ON applications (org_id, status, due_on)`,
		`CREATE INDEX ix_applications_deadline ON applications (status, escalated_at, due_on)`,
		`CREATE INDEX ix_applications_decided ON applications (org_id, reviewed_at, status, submitted_at)`,
	},
	MySQL:  []string{`DROP INDEX ix_applications_review ON applications`, reviewIndex15},
	SQLite: []string{`DROP INDEX ix_applications_review`, reviewIndex15},
}

// reviewIndex15 is migration10's covering index with due_on and
// escalated_at (reviewListColumns).
const reviewIndex15 = `CREATE INDEX ix_applications_review ON applications (org_id, status, created_at, id, version, name,
	id_type, gender, birth_date, id_number_enc, work_type, is_migrant_worker, is_dispatched, flagged,
	submitted_at, due_on, escalated_at)`
