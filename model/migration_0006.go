package model

// migration6 holds the e-member card's counterpart at the counter (普惠服务):
// benefits offered by an org to the members of its subtree, redemptions
// (unique per benefit and card token, so a retried request is not a second
// redemption), one usage counter row per benefit and member that a
// conditional UPDATE holds to the benefit's limit, and the log of every
// card verification (written in batches).
var migration6 = Migration{
	Version: 6,
	Name:    "card and benefits",
	Up: []string{
		`CREATE TABLE benefits (
			id BIGINT NOT NULL PRIMARY KEY,
			org_id BIGINT NOT NULL,
			title VARCHAR(100) NOT NULL,
			description TEXT NOT NULL,
			starts_on VARCHAR(10) NOT NULL,
			ends_on VARCHAR(10) NOT NULL,
			per_member_limit INT NULL,
			created_by BIGINT NOT NULL,
			created_at DATETIME(6) NOT NULL,
			updated_at DATETIME(6) NOT NULL
		)`,
		`CREATE INDEX ix_benefits_org ON benefits (org_id, created_at, id)`,
		`CREATE TABLE redemptions (
			id BIGINT NOT NULL PRIMARY KEY,
			benefit_id BIGINT NOT NULL,
			member_id BIGINT NOT NULL,
			token_id VARCHAR(64) NOT NULL,
			verifier_id BIGINT NOT NULL,
			created_at DATETIME(6) NOT NULL
		)`,
		`CREATE UNIQUE INDEX ux_redemptions_token ON redemptions (benefit_id, token_id)`,
		`CREATE INDEX ix_redemptions_member ON redemptions (member_id, created_at)`,
		`CREATE TABLE benefit_usage (
			benefit_id BIGINT NOT NULL,
			member_id BIGINT NOT NULL,
			used INT NOT NULL,
			PRIMARY KEY (benefit_id, member_id)
		)`,
		`CREATE TABLE verifications (
			id BIGINT NOT NULL PRIMARY KEY,
			verifier_id BIGINT NOT NULL,
			member_id BIGINT NULL,
			benefit_id BIGINT NULL,
			token_id VARCHAR(64) NULL,
			result VARCHAR(16) NOT NULL,
			created_at DATETIME(6) NOT NULL
		)`,
		`CREATE INDEX ix_verifications_verifier ON verifications (verifier_id, created_at)`,
		`CREATE INDEX ix_verifications_member ON verifications (member_id, created_at)`,
	},
}
