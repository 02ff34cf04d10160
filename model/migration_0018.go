package model

// migration18 adds account cancellation (注销, API.md §10, issue 14 item 5):
//
//   - deactivation_requests gains the user's reason and "leave" choice,
//     pending_key (the user id while a request is pending or running, NULL
//     after: the unique index makes one live request per user whatever the
//     number of nodes), and the times it was cancelled or carried out.
//   - users.deactivated_at: set in the first transaction of the deletion,
//     together with the end of the WeChat binding, so that from then on no
//     API path reads what the later steps are still deleting.
var migration18 = Migration{
	Version: 18,
	Name:    "account cancellation",
	Up: []string{
		`ALTER TABLE deactivation_requests ADD COLUMN reason VARCHAR(500) NULL`,
		`ALTER TABLE deactivation_requests ADD COLUMN leave_roll BOOLEAN NOT NULL DEFAULT FALSE`,
		`ALTER TABLE deactivation_requests ADD COLUMN pending_key BIGINT NULL`,
		`ALTER TABLE deactivation_requests ADD COLUMN cancelled_at DATETIME(6) NULL`,
		`ALTER TABLE deactivation_requests ADD COLUMN finished_at DATETIME(6) NULL`,
		`UPDATE deactivation_requests SET pending_key = user_id WHERE status = 'pending'`,
		`CREATE UNIQUE INDEX ux_deactivation_requests_live ON deactivation_requests (pending_key)`,
		`ALTER TABLE users ADD COLUMN deactivated_at DATETIME(6) NULL`,
	},
}
