package calendar_test

import (
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/calendar"
)

// dated is a row with a date and an optional one, as due_on and a decision
// date would be stored.
type dated struct {
	ID     int64
	DueOn  calendar.Date  `gorm:"type:date;not null;index"`
	DoneOn *calendar.Date `gorm:"type:date"`
}

// TestDateInTheDatabase stores dates in DATE columns and reads them back,
// and compares them in a query, on SQLite and on MySQL.
func TestDateInTheDatabase(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		if err := db.Migrator().CreateTable(&dated{}); err != nil {
			t.Fatal(err)
		}
		done := d("2026-02-24")
		rows := []dated{
			{ID: 1, DueOn: d("2026-02-13")},
			{ID: 2, DueOn: d("2026-03-09"), DoneOn: &done},
			{ID: 3, DueOn: d("2026-12-31")},
		}
		if err := db.Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var got []dated
		if err := db.Order("id").Find(&got).Error; err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].DueOn != d("2026-02-13") || got[0].DoneOn != nil ||
			got[1].DoneOn == nil || *got[1].DoneOn != done || got[2].DueOn != d("2026-12-31") {
			t.Fatalf("read back %+v", got)
		}
		var overdue []int64
		if err := db.Model(&dated{}).Where("due_on < ? AND done_on IS NULL", d("2026-03-10")).
			Order("id").Pluck("id", &overdue).Error; err != nil {
			t.Fatal(err)
		}
		if len(overdue) != 1 || overdue[0] != 1 {
			t.Errorf("overdue %v, want [1]", overdue)
		}
	})
}
