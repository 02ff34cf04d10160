package model

// MigrateList runs migrations of the test's own, as Migrate runs the
// schema's.
var MigrateList = migrate
