package model_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestApplicationEventsBackfill: migration 14 gives the applications that
// were there before it the events their rows still tell.
func TestApplicationEventsBackfill(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := model.Open(ctx, model.Options{Driver: b.Driver, DSN: modeltest.DSNFor(t, b)})
			if err != nil {
				t.Fatal(err)
			}
			defer model.Close(db)
			at := -1
			for i, m := range model.Migrations {
				if m.Name == "application events" {
					at = i
				}
			}
			if at < 0 {
				t.Fatal("no migration named application events")
			}
			before := model.Migrations[:at]
			if err := model.MigrateList(ctx, db, before, nil); err != nil {
				t.Fatal(err)
			}
			submitted := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
			reviewed, updated := submitted.Add(48*time.Hour), submitted.Add(72*time.Hour)
			reason := "材料不全"
			apps := []struct {
				status    string
				version   int
				submitted bool
				review    *string
				want      string
			}{
				{model.AppDraft, 2, false, nil, "[]"},
				{model.AppSubmitted, 4, true, nil, "[0 submitted]"},
				{model.AppReturned, 3, true, &reason, "[0 submitted 3 returned 材料不全]"},
				{model.AppApproved, 5, true, nil, "[0 submitted 5 approved]"},
				{model.AppRejected, 2, true, &reason, "[0 submitted 2 rejected 材料不全]"},
				{model.AppWithdrawn, 3, true, nil, "[0 submitted 3 withdrawn]"},
				{model.AppWithdrawn, 2, false, nil, "[2 withdrawn]"}, // a draft withdrawn
			}
			ids := make([]int64, len(apps))
			for i, c := range apps {
				a := model.Application{ID: model.NewID(), UserID: int64(i + 1), OrgID: 42, Status: c.status, Version: c.version,
					Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: submitted, UpdatedAt: updated,
					ReviewReason: c.review}
				if c.submitted {
					a.SubmittedAt = &submitted
				}
				if c.status == model.AppApproved || c.status == model.AppRejected || c.status == model.AppReturned {
					a.ReviewedAt = &reviewed
				}
				// Only the columns there were before the migration.
				if err := db.Select("ID", "UserID", "OrgID", "Status", "Version", "Name", "IDType", "CreatedAt",
					"UpdatedAt", "ReviewReason", "SubmittedAt", "ReviewedAt").Create(&a).Error; err != nil {
					t.Fatal(err)
				}
				ids[i] = a.ID
			}
			if err := model.Migrate(ctx, db, nil); err != nil {
				t.Fatal(err)
			}
			store := model.NewApplicationEventStore(db)
			for i, c := range apps {
				evs, err := store.List(ctx, ids[i])
				if err != nil {
					t.Fatal(err)
				}
				var got []any
				for _, ev := range evs {
					got = append(got, ev.Version, ev.Kind)
					if ev.Note != nil {
						got = append(got, *ev.Note)
					}
					if ev.OrgID != 42 {
						t.Errorf("%s: org %d", c.status, ev.OrgID)
					}
					want := map[string]time.Time{model.EventSubmitted: submitted, model.EventWithdrawn: updated}[ev.Kind]
					if want.IsZero() {
						want = reviewed
					}
					if !ev.At.Equal(want) {
						t.Errorf("%s: %s at %v, want %v", c.status, ev.Kind, ev.At, want)
					}
				}
				if fmt.Sprint(got) != c.want {
					t.Errorf("%s v%d: events %v, want %s", c.status, c.version, got, c.want)
				}
			}
		})
	}
}
