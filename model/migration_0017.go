package model

// migration17 holds what WeChat's message push (API.md §10) changes:
//
//   - wechat_push_events: the key of every push event applied, unique, so
//     an event WeChat retries, or someone replays within the timestamp
//     window, is applied once even when two nodes receive it at once.
//   - wechat_subscriptions: the one-time subscribe-message ledger, one row
//     per user and template; a message is queued only by a conditional
//     UPDATE that takes one from a balance above zero.
//   - deactivation_requests: account cancellations (注销). Only WeChat's
//     user_authorization_cancellation writes them for now, due at once;
//     the job that deletes the account's data is later work (issue 14
//     item 5) and reads the pending rows whose effective_at has passed.
var migration17 = Migration{
	Version: 17,
	Name:    "wechat push events, subscription ledger, deactivation requests",
	Up: []string{
		`CREATE TABLE wechat_push_events (
			event_key VARCHAR(64) NOT NULL PRIMARY KEY,
			event VARCHAR(64) NOT NULL,
			received_at DATETIME(6) NOT NULL
		)`,
		`CREATE INDEX ix_wechat_push_events_received ON wechat_push_events (received_at)`,
		`CREATE TABLE wechat_subscriptions (
			user_id BIGINT NOT NULL,
			template_id VARCHAR(128) NOT NULL,
			balance INT NOT NULL DEFAULT 0,
			updated_at DATETIME(6) NOT NULL,
			PRIMARY KEY (user_id, template_id)
		)`,
		`CREATE TABLE deactivation_requests (
			id BIGINT NOT NULL PRIMARY KEY,
			user_id BIGINT NOT NULL,
			requested_at DATETIME(6) NOT NULL,
			effective_at DATETIME(6) NOT NULL,
			source VARCHAR(16) NOT NULL,
			status VARCHAR(16) NOT NULL
		)`,
		`CREATE INDEX ix_deactivation_requests_user ON deactivation_requests (user_id, status)`,
		`CREATE INDEX ix_deactivation_requests_due ON deactivation_requests (status, effective_at)`,
	},
}
