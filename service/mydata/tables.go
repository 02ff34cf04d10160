package mydata

// Tables names every table that holds data about a person — each with a
// user_id, member_id or owner_id column, and users itself — and where
// Collect covers it, or why it is left out. TestEveryPersonalTableCovered
// walks the schema: a new table with such a column fails it until it is
// listed here (and, unless there is a reason not to, collected).
var Tables = map[string]string{
	"users":                 "account",
	"consents":              "consents",
	"applications":          "applications (form, upload ids)",
	"application_events":    "applications[].timeline",
	"members":               "members",
	"membership_events":     "members[].events",
	"transfers":             "transfers",
	"wechat_subscriptions":  "subscriptions",
	"deactivation_requests": "deactivation_requests",
	"wechat_push_events":    "left out: keys of WeChat pushes already applied (no content), kept 24 h against replays",
	"rights_requests":       "rights_requests (fields named; the values asked for are sealed, and in the member record once approved)",
	"notifications":         "notifications",
	"verifications":         "verifications",
	"redemptions":           "redemptions",
	"uploads":               "uploads (and the images themselves in the export)",
	"sessions":              "sessions (times only, no token material)",
	"role_bindings":         "roles",
	"benefit_usage":         "left out: a counter of the redemptions, which are listed",
	"idempotency_keys":      "left out: first replies to retried requests, kept 24 h, copies of applications and transfers listed",
	"job_files":             "left out: the files of jobs the user asked for — the user's own data exports, and an admin's roll exports, which hold other people's data",
}

// keyColumns are the columns that point at a person.
var keyColumns = []string{"user_id", "member_id", "owner_id"}
