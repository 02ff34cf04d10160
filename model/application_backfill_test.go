package model_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestUndatedSubmittedUsesDeadlineIndex: the due-date backfill reads the
// submitted applications without a due date from one range of
// ix_applications_deadline with no sort,
// however many dated or decided applications the table holds; SetDueOn
// fills only those still undated.
func TestUndatedSubmittedUsesDeadlineIndex(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		apps := model.NewApplicationStore(db)
		now := time.Now().UTC()
		due := now.Format(time.DateOnly)
		var undated []int64
		for i := range 300 {
			a := model.Application{ID: model.NewID(), UserID: model.NewID(), OrgID: 1, Status: model.AppSubmitted, Version: 1,
				Person: model.Person{Name: "张三", IDType: "resident_id"}, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now}
			switch i % 10 {
			case 0:
				undated = append(undated, a.ID)
			case 1:
				a.Status = model.AppApproved // decided before due dates: stays undated
			default:
				a.DueOn = &due
			}
			if err := apps.Create(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		if model.Dialect(db) == model.DialectMySQL {
			if err := db.Exec("ANALYZE TABLE applications").Error; err != nil {
				t.Fatal(err)
			}
		}
		var sql string
		var vars []any
		name := "test:capture_backfill_sql"
		if err := db.Callback().Query().After("gorm:query").Register(name, func(tx *gorm.DB) {
			if tx.Statement.Table == "applications" {
				sql, vars = tx.Statement.SQL.String(), tx.Statement.Vars
			}
		}); err != nil {
			t.Fatal(err)
		}
		rows, err := apps.UndatedSubmitted(ctx, 10)
		_ = db.Callback().Query().Remove(name)
		if err != nil || len(rows) != 10 {
			t.Fatalf("UndatedSubmitted: %d rows, %v; want 10", len(rows), err)
		}
		for _, a := range rows {
			if !slices.Contains(undated, a.ID) || a.SubmittedAt == nil {
				t.Fatalf("UndatedSubmitted: %+v is not one of the undated submitted", a)
			}
		}
		checkRangePlan(t, db, sql, vars, "ix_applications_deadline")

		n, err := apps.SetDueOn(ctx, append(undated[:2:2], undated[20]), due)
		if err != nil || n != 3 {
			t.Fatalf("SetDueOn: %d, %v; want 3", n, err)
		}
		if n, err := apps.SetDueOn(ctx, undated[:2], "2000-01-01"); err != nil || n != 0 {
			t.Fatalf("SetDueOn again: %d, %v; want 0 (already dated)", n, err)
		}
	})
}

// checkRangePlan checks that the database reads sql from index alone
// range of it, in its order: no filesort or temporary B-tree.
func checkRangePlan(t *testing.T, db *gorm.DB, sql string, vars []any, index string) {
	t.Helper()
	if model.Dialect(db) == model.DialectMySQL {
		var plan []struct {
			Key   *string
			Extra *string
		}
		if err := db.Raw("EXPLAIN "+sql, vars...).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		if len(plan) != 1 || plan[0].Key == nil || *plan[0].Key != index ||
			plan[0].Extra != nil && strings.Contains(*plan[0].Extra, "filesort") {
			t.Fatalf("EXPLAIN %s: %+v; want %s, no filesort", sql, plan, index)
		}
		return
	}
	var plan []struct{ Detail string }
	if err := db.Raw("EXPLAIN QUERY PLAN "+sql, vars...).Scan(&plan).Error; err != nil {
		t.Fatal(err)
	}
	if len(plan) != 1 || !strings.Contains(plan[0].Detail, "INDEX "+index) {
		t.Fatalf("EXPLAIN QUERY PLAN %s: %+v; want one step on %s", sql, plan, index)
	}
}
