package stats_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/stats"
)

// BenchmarkOverview reads overviews of a province of 10 million members
// in 8 000 grassroots unions (16 cities × 10 counties × 50 unions). The
// counters are generated directly (making 10 M members would take hours);
// what an overview costs depends on the rows it reads: the org's buckets, its children's buckets and 12
// months, whatever the member count; on MySQL rows_read/op counts the
// rows the storage engine read per overview (Handler_read_*). Uncached, so every read goes to the
// database.
func BenchmarkOverview(b *testing.B) {
	for _, be := range modeltest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			db := modeltest.Open(b, be)
			root, city, county := province(b, db, 10_000_000)
			// One connection, so MySQL's session counters are this loop's.
			sqlDB, err := db.DB()
			if err != nil {
				b.Fatal(err)
			}
			sqlDB.SetMaxOpenConns(1)
			st := stats.New(service.Env{Location: shanghai, Now: func() time.Time { return time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) }}, stats.Deps{DB: db})
			for _, o := range []*model.Org{root, city, county} {
				b.Run(fmt.Sprintf("depth%d", o.Depth), func(b *testing.B) {
					before := handlerReads(b, db, be.Driver)
					ctx := context.Background()
					for b.Loop() {
						ov, err := st.Overview(ctx, admin(root), o.ID, "")
						if err != nil || ov.Members.Total == 0 {
							b.Fatal(err)
						}
					}
					if be.Driver == model.DialectMySQL {
						b.ReportMetric(float64(handlerReads(b, db, be.Driver)-before)/float64(b.N), "rows_read/op")
					}
				})
			}
		})
	}
}

// handlerReads is the session's count of rows the storage engine read
// (MySQL's Handler_read_*), 0 elsewhere.
func handlerReads(b *testing.B, db *gorm.DB, driver string) int64 {
	b.Helper()
	if driver != model.DialectMySQL {
		return 0
	}
	var rows []struct {
		VariableName string `gorm:"column:Variable_name"`
		Value        int64  `gorm:"column:Value"`
	}
	if err := db.Raw("SHOW SESSION STATUS LIKE 'Handler_read%'").Scan(&rows).Error; err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, r := range rows {
		n += r.Value
	}
	return n
}

// province writes the orgs and the counters of a province with members
// spread evenly, and returns the root, a city and a county.
func province(b *testing.B, db *gorm.DB, members int64) (root, city, county *model.Org) {
	b.Helper()
	const cities, counties, unions, buckets = 16, 10, 50, stats.DefaultBuckets
	perUnion := members / (cities * counties * unions)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var orgs []model.Org
	var rows []model.OrgStat
	var months []model.OrgStatMonth
	add := func(parent *model.Org, typ string, n int64, nBuckets int) *model.Org {
		id := model.NewID()
		o := model.Org{ID: id, Path: model.RootPath(id), Type: typ, Name: fmt.Sprintf("org %d", len(orgs)),
			RegionCode: "420000", Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		if parent != nil {
			o.ParentID, o.Path, o.Depth = &parent.ID, parent.ChildPath(id), parent.Depth+1
		}
		if typ == model.OrgGrassroots {
			o.WorkerCount = int(perUnion * 5 / 4)
		}
		orgs = append(orgs, o)
		for k := range nBuckets {
			share := n / int64(nBuckets)
			rows = append(rows, model.OrgStat{OrgID: id, Bucket: k, MembersTotal: share, Active: share * 9 / 10,
				Female: share * 4 / 10, Pending: share / 1000, WorkersTotal: share * 5 / 4, GrassrootsUnions: 1})
			for m := 1; m <= 24; m++ {
				months = append(months, model.OrgStatMonth{OrgID: id, Month: fmt.Sprintf("%d-%02d", 2024+(m-1)/12, (m-1)%12+1),
					Bucket: k, Joined: share / 100, LeftCount: share / 300})
			}
		}
		return &orgs[len(orgs)-1]
	}
	r := *add(nil, model.OrgFederation, members, buckets)
	var c, d model.Org
	for i := range cities {
		ci := *add(&r, model.OrgFederation, members/cities, buckets)
		for j := range counties {
			di := *add(&ci, model.OrgFederation, members/cities/counties, 1)
			for range unions {
				add(&di, model.OrgGrassroots, perUnion, 1)
			}
			if i == 0 && j == 0 {
				d = di
			}
		}
		if i == 0 {
			c = ci
		}
	}
	for _, batch := range []any{&orgs, &rows, &months} {
		if err := db.CreateInBatches(batch, 500).Error; err != nil {
			b.Fatal(err)
		}
	}
	return &r, &c, &d
}
