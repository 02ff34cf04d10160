package model

// migration11 keeps the hashes of a session's last spent refresh tokens
// (SpentTokensKept of them, newest first, space-separated), so that refresh
// can tell a token it really issued and that was spent (a reuse: the family
// is revoked) from one it never issued (a plain 401 that revokes nothing).
var migration11 = Migration{
	Version: 11,
	Name:    "spent refresh tokens of a session",
	Up: []string{
		`ALTER TABLE sessions ADD COLUMN spent_hashes VARCHAR(1040) NOT NULL DEFAULT ''`,
	},
}
