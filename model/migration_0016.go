package model

// migration16 adds the rights requests of API.md §10: a member's (or an
// applicant's) correction request or dispute (not_me), decided by the admins
// of the union within 15 working days.
//
//   - fields_enc holds the requested values sealed (they may hold a phone);
//     field_names their API names only, for lists that name no values.
//   - pending_key is "<user_id>:<kind>" while pending and NULL after the
//     decision: the unique index makes one pending request per kind per
//     user, whatever the number of nodes.
//   - ix_rights_requests_due (org_id, status, due_on) counts a subtree's
//     pending and overdue requests for the overview: one index range per
//     union, as long as its pending list.
//   - ix_rights_requests_org (org_id, created_at, id) pages the admins'
//     list; ix_rights_requests_user (user_id, created_at, id) the user's.
var migration16 = Migration{
	Version: 16,
	Name:    "rights requests (corrections and disputes)",
	Up: []string{
		`CREATE TABLE rights_requests (
			id BIGINT NOT NULL PRIMARY KEY,
			user_id BIGINT NOT NULL,
			member_id BIGINT NULL,
			application_id BIGINT NULL,
			org_id BIGINT NOT NULL,
			kind VARCHAR(16) NOT NULL,
			status VARCHAR(16) NOT NULL,
			pending_key VARCHAR(40) NULL,
			fields_enc TEXT NULL,
			field_names VARCHAR(500) NULL,
			event_id BIGINT NULL,
			reason TEXT NOT NULL,
			due_on VARCHAR(10) NOT NULL,
			decided_by BIGINT NULL,
			decided_at DATETIME(6) NULL,
			decision_reason TEXT NULL,
			version INT NOT NULL DEFAULT 1,
			created_at DATETIME(6) NOT NULL,
			updated_at DATETIME(6) NOT NULL
		)`,
		`CREATE UNIQUE INDEX ux_rights_requests_pending ON rights_requests (pending_key)`,
		`CREATE INDEX ix_rights_requests_due ON rights_requests (org_id, status, due_on)`,
		`CREATE INDEX ix_rights_requests_org ON rights_requests (org_id, created_at, id)`,
		`CREATE INDEX ix_rights_requests_user ON rights_requests (user_id, created_at, id)`,
	},
}
