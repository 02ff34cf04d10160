package model

// MigrateList runs migrations of the test's own, as Migrate runs the
// schema's.
var MigrateList = migrate

// Migrations is the schema's history, for tests that stop part way.
var Migrations = migrations
