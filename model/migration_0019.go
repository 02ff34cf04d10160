package model

// migration19 makes the retention of closed applications real (issue 14
// item 8): the personal data of a withdrawn or rejected application is
// erased a period after it closed (applications.redacted_at says when),
// and so is every application of a cancelled account. The index finds
// the closed applications not yet erased, oldest first.
var migration19 = Migration{
	Version: 19,
	Name:    "erased applications",
	Up: []string{
		`ALTER TABLE applications ADD COLUMN redacted_at DATETIME(6) NULL`,
		`CREATE INDEX ix_applications_retention ON applications (status, redacted_at, updated_at)`,
	},
}
