package model

// migration13 lets a stored first reply name the request it answers
// (request_hash, a SHA-256 of the route and the request), so a key reused
// for another request is refused instead of answered with a reply to
// something else. Rows from before it have an empty hash and are replayed
// as before.
var migration13 = Migration{
	Version: 13,
	Name:    "idempotency keys remember their request",
	Up: []string{
		`ALTER TABLE idempotency_keys ADD COLUMN request_hash VARCHAR(64) NOT NULL DEFAULT ''`,
	},
}
