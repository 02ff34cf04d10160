package main

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestLongestQueueIsAUnion: the queue scenarios' chair sits at the
// grassroots union with the most submitted applications, even when an
// intake point (a federation, seed-bench --intake-points) has more; only
// submitted applications count.
func TestLongestQueueIsAUnion(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		org := func(typ string) int64 {
			id := model.NewID()
			o := &model.Org{ID: id, Path: model.RootPath(id), Type: typ, Name: "工会", RegionCode: "420106",
				Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := model.NewOrgStore(db).Create(ctx, o); err != nil {
				t.Fatal(err)
			}
			return id
		}
		intake, busy, quiet := org(model.OrgFederation), org(model.OrgGrassroots), org(model.OrgGrassroots)
		for _, c := range []struct {
			org    int64
			status string
			n      int
		}{
			{intake, model.AppSubmitted, 5},
			{busy, model.AppSubmitted, 3},
			{quiet, model.AppSubmitted, 2},
			{quiet, model.AppApproved, 4},
		} {
			for range c.n {
				a := &model.Application{ID: model.NewID(), UserID: model.NewID(), OrgID: c.org, Status: c.status, Version: 1,
					Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now}
				if err := model.NewApplicationStore(db).Create(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got, err := longestQueue(ctx, db); err != nil || got != busy {
			t.Fatalf("longestQueue: %d, %v; want the busy union %d (intake point %d)", got, err, busy, intake)
		}
	})
}
