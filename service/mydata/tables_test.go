package mydata

import (
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
)

// TestEveryPersonalTableCovered walks the migrated schema: every table
// with a column pointing at a person (user_id, member_id, owner_id) must be
// in Tables, saying where GET /me/data covers it or why it is left out, and
// every table Tables names must exist.
func TestEveryPersonalTableCovered(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		tables, err := db.Migrator().GetTables()
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			cols, err := db.Migrator().ColumnTypes(table)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				if slices.Contains(keyColumns, c.Name()) {
					if _, ok := Tables[table]; !ok {
						t.Errorf("table %s has %s but is not in mydata.Tables: collect it for GET /me/data (or say why not)",
							table, c.Name())
					}
				}
			}
		}
		for name := range Tables {
			if !slices.Contains(tables, name) {
				t.Errorf("mydata.Tables names %s, which the schema does not have", name)
			}
		}
	})
}
