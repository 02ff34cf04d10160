package model_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestListForReviewScope: the review list holds to the scope's paths
// whether the union's path comes with the filter (checked in the store,
// filtered by id) or not (the subquery over orgs).
func TestListForReviewScope(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		orgs, apps := model.NewOrgStore(db), model.NewApplicationStore(db)
		mk := func(name string) *model.Org {
			id := model.NewID()
			o := &model.Org{ID: id, Path: model.RootPath(id), Type: model.OrgGrassroots, Name: name, RegionCode: "420106",
				Status: model.OrgActive, Version: 1}
			if err := orgs.Create(ctx, o); err != nil {
				t.Fatal(err)
			}
			return o
		}
		a, b := mk("甲工会"), mk("乙工会")
		now := time.Now().UTC()
		for _, o := range []*model.Org{a, b} {
			app := &model.Application{ID: model.NewID(), UserID: model.NewID(), OrgID: o.ID, Status: model.AppSubmitted,
				Version: 1, Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now}
			if err := apps.Create(ctx, app); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name   string
			filter model.ReviewFilter
			want   int64 // the org of the one row expected; 0: none
		}{
			{"own union, path known", model.ReviewFilter{Paths: []string{a.Path}, OrgID: a.ID, OrgPath: a.Path}, a.ID},
			{"own union, path unknown", model.ReviewFilter{Paths: []string{a.Path}, OrgID: a.ID}, a.ID},
			{"other union, its path given", model.ReviewFilter{Paths: []string{a.Path}, OrgID: b.ID, OrgPath: b.Path}, 0},
			{"other union", model.ReviewFilter{Paths: []string{a.Path}, OrgID: b.ID}, 0},
			{"whole scope", model.ReviewFilter{Paths: []string{a.Path}}, a.ID},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rows, err := apps.ListForReview(ctx, tc.filter, model.Page{Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				if tc.want == 0 && len(rows) != 0 || tc.want != 0 && (len(rows) != 1 || rows[0].OrgID != tc.want || rows[0].Name != "张三") {
					t.Fatalf("rows %+v, want one of org %d (0: none)", rows, tc.want)
				}
			})
		}
	})
}

// TestReviewQueueCoveringIndex: a page of one union's queue is read from
// ix_applications_review alone (no row lookups), on SQLite and MySQL.
func TestReviewQueueCoveringIndex(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		orgs, apps := model.NewOrgStore(db), model.NewApplicationStore(db)
		var unions []*model.Org
		for range 5 {
			id := model.NewID()
			o := &model.Org{ID: id, Path: model.RootPath(id), Type: model.OrgGrassroots, Name: "工会", RegionCode: "420106",
				Status: model.OrgActive, Version: 1}
			if err := orgs.Create(ctx, o); err != nil {
				t.Fatal(err)
			}
			unions = append(unions, o)
		}
		now := time.Now().UTC()
		for i := range 200 {
			at := now.Add(-time.Duration(i) * time.Minute)
			due := now.AddDate(0, 0, 1-i/50).Format(time.DateOnly) // the older half overdue
			app := &model.Application{DueOn: &due, ID: model.NewID(), UserID: model.NewID(), OrgID: unions[i%5].ID,
				Status: []string{model.AppSubmitted, model.AppApproved}[i%2], Version: 1,
				Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
			if err := apps.Create(ctx, app); err != nil {
				t.Fatal(err)
			}
		}
		if model.Dialect(db) == model.DialectMySQL {
			if err := db.Exec("ANALYZE TABLE applications").Error; err != nil {
				t.Fatal(err)
			}
		}
		// The statements ListForReview sends, as sent: the pending queue, and
		// its overdue part, bounded by the creation time.
		a := unions[0]
		today := now.Format(time.DateOnly)
		for _, tc := range []struct {
			name string
			due  *model.DueFilter
			rows int
		}{
			{"pending", nil, 20},
			{"overdue", &model.DueFilter{Overdue: true, Today: today, CreatedBefore: now.Add(-30 * time.Minute)}, 10},
			{"not overdue", &model.DueFilter{Overdue: false, Today: today}, 10},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := model.ReviewFilter{Paths: []string{a.Path}, OrgID: a.ID, OrgPath: a.Path,
					Statuses: []string{model.AppSubmitted}, Due: tc.due}
				checkReviewPlan(t, db, f, tc.rows)
			})
		}
	})
}

// checkReviewPlan runs ListForReview with f and checks that the database
// reads the page from ix_applications_review alone, in its order.
func checkReviewPlan(t *testing.T, db *gorm.DB, f model.ReviewFilter, wantRows int) {
	t.Helper()
	ctx := context.Background()
	var sql string
	var vars []any
	db = db.Session(&gorm.Session{})
	name := "test:capture_review_sql_" + t.Name()
	if err := db.Callback().Row().After("gorm:row").Register(name, func(tx *gorm.DB) {
		if tx.Statement.Table == "applications" {
			sql, vars = tx.Statement.SQL.String(), tx.Statement.Vars
		}
	}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Callback().Row().Remove(name) }()
	rows, err := model.NewApplicationStore(db).ListForReview(ctx, f, model.Page{Limit: 20})
	if err != nil || len(rows) != wantRows || sql == "" {
		t.Fatalf("ListForReview: %d rows, %v; sql %q", len(rows), err, sql)
	}
	if model.Dialect(db) == model.DialectMySQL {
		var plan []struct {
			Key   *string
			Extra *string
		}
		if err := db.Raw("EXPLAIN "+sql, vars...).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		if len(plan) != 1 || plan[0].Key == nil || *plan[0].Key != "ix_applications_review" ||
			plan[0].Extra == nil || !strings.Contains(*plan[0].Extra, "Using index") || strings.Contains(*plan[0].Extra, "filesort") {
			t.Fatalf("EXPLAIN %s: %+v; want ix_applications_review, Using index, no filesort", sql, plan)
		}
		return
	}
	var plan []struct{ Detail string }
	if err := db.Raw("EXPLAIN QUERY PLAN "+sql, vars...).Scan(&plan).Error; err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || !strings.Contains(plan[0].Detail, "COVERING INDEX ix_applications_review") {
		t.Fatalf("EXPLAIN QUERY PLAN %s: %+v; want one step on the covering index", sql, plan)
	}
}
