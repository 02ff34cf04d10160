package model

// migration14 records every move of an application (submitted, assigned,
// returned, resubmitted, approved, rejected, withdrawn) for the applicant's
// timeline, keyed by the application's version after the move. The
// applications already there get what their rows still tell: the last
// submission (version 0, before any later move) and the outcome of a
// decided or withdrawn one; earlier returns and resubmissions were not
// kept and are not made up.
var migration14 = Migration{
	Version: 14,
	Name:    "application events",
	Up: []string{
		`CREATE TABLE application_events (
			application_id BIGINT NOT NULL,
			version INT NOT NULL,
			at DATETIME(6) NOT NULL,
			kind VARCHAR(16) NOT NULL,
			org_id BIGINT NOT NULL,
			note VARCHAR(500) NULL,
			PRIMARY KEY (application_id, version)
		)`,
		`INSERT INTO application_events (application_id, version, at, kind, org_id, note)
			SELECT id, 0, submitted_at, 'submitted', org_id, NULL FROM applications
			WHERE status <> 'draft' AND submitted_at IS NOT NULL`,
		`INSERT INTO application_events (application_id, version, at, kind, org_id, note)
			SELECT id, version, reviewed_at, status, org_id, review_reason FROM applications
			WHERE status IN ('approved', 'rejected', 'returned') AND reviewed_at IS NOT NULL`,
		`INSERT INTO application_events (application_id, version, at, kind, org_id, note)
			SELECT id, version, updated_at, 'withdrawn', org_id, NULL FROM applications
			WHERE status = 'withdrawn'`,
	},
}
