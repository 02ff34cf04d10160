package stats_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestReport builds a month's progress report of the province and reads
// the .xlsx back.
func TestReport(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		at := func(day, hour int) { w.clock.Set(time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC)) }
		at(2, 1)
		w.join(w.u1, person{})
		w.join(w.u2, person{})
		// Reviews under c1 take 2, 4 and 9 hours; one in October is not counted.
		for _, h := range []int{2, 4, 9} {
			at(3, 0)
			a := w.apply(w.u1, true)
			at(3, h)
			w.move(a, model.AppApproved)
		}
		at(4, 0)
		a := w.apply(w.u3, true)
		at(4, 6)
		w.move(a, model.AppRejected)
		w.apply(w.u3, true)
		w.clock.Set(time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC))
		old := w.apply(w.u1, true)
		w.clock.Set(time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC))
		w.move(old, model.AppApproved)
		w.clock.Set(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))

		rep, err := w.st.Report(context.Background(), w.root.ID, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 2 || rep.Rows[0].OrgID != w.c1.ID {
			t.Fatalf("rows: %+v", rep.Rows)
		}
		c1, c2 := rep.Rows[0], rep.Rows[1]
		if c1.Members != 6 || c1.Workers != 400 || c1.Joined != 5 || c1.Reviews != 3 || c1.MedianReviewHours == nil || *c1.MedianReviewHours != 4 {
			t.Errorf("c1 row: %+v", c1)
		}
		if c2.Members != 0 || c2.Rate != nil || c2.Pending != 1 || c2.Reviews != 1 || *c2.MedianReviewHours != 6 {
			t.Errorf("c2 row: %+v", c2)
		}
		if rep.Total.Members != 6 || rep.Total.Reviews != 4 || *rep.Total.MedianReviewHours != 5 {
			t.Errorf("total: %+v", rep.Total)
		}
		if _, err := w.st.Report(context.Background(), w.root.ID, "2026-13"); err == nil {
			t.Error("a bad month was accepted")
		}

		var buf bytes.Buffer
		if err := rep.WriteXLSX(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("定期通报")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || rows[1][0] != "组织名称" || rows[2][0] != "武汉市总工会" || rows[2][1] != "6" ||
			rows[2][3] != "1.50%" || rows[2][8] != "4" || rows[4][0] != "合计（湖北省总工会）" {
			t.Errorf("sheet: %q", rows)
		}
	})
}
