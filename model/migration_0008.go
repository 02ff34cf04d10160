package model

// migration8 holds the monitoring counters (DESIGN §2 org_stats). Each row
// counts an org's whole subtree, so an overview reads a handful of rows
// whatever the member count. The orgs near the root keep their rows split
// into buckets (summed on read), so one hot row does not serialise the
// province. org_stats holds the current numbers (members on the roll,
// pending applications, grassroots unions and their workers);
// org_stats_monthly the month's flows (month is YYYY-MM in the business
// time zone). Every column is a signed sum of deltas.
var migration8 = Migration{
	Version: 8,
	Name:    "stats",
	Up: []string{
		`CREATE TABLE org_stats (
			org_id BIGINT NOT NULL,
			bucket INT NOT NULL,
			members_total BIGINT NOT NULL DEFAULT 0,
			active BIGINT NOT NULL DEFAULT 0,
			female BIGINT NOT NULL DEFAULT 0,
			migrant_workers BIGINT NOT NULL DEFAULT 0,
			dispatched BIGINT NOT NULL DEFAULT 0,
			floating BIGINT NOT NULL DEFAULT 0,
			pending BIGINT NOT NULL DEFAULT 0,
			grassroots_unions BIGINT NOT NULL DEFAULT 0,
			workers_total BIGINT NOT NULL DEFAULT 0,
			PRIMARY KEY (org_id, bucket)
		)`,
		`CREATE TABLE org_stats_monthly (
			org_id BIGINT NOT NULL,
			month CHAR(7) NOT NULL,
			bucket INT NOT NULL,
			joined BIGINT NOT NULL DEFAULT 0,
			left_count BIGINT NOT NULL DEFAULT 0,
			approved BIGINT NOT NULL DEFAULT 0,
			rejected BIGINT NOT NULL DEFAULT 0,
			PRIMARY KEY (org_id, month, bucket)
		)`,
	},
}
