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

// TestReportAgeing: the report's ageing sheet counts each child's pending
// applications by working days waited, on the day the report is made,
// over National Day 2026 (10-01..10-07 off, Saturday 10-10 on).
func TestReportAgeing(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		submit := func(o *model.Org, day string) *model.Application {
			d, err := time.ParseInLocation(time.DateOnly, day, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Set(d.Add(10 * time.Hour))
			return w.apply(o, true)
		}
		// Aged on Friday 2026-10-23 (10:00 Beijing).
		for _, tc := range []struct {
			org  *model.Org
			day  string
			wait int // working days on 10-23, for the reader
		}{
			{w.u1, "2026-09-28", 15}, // due today: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-12..10-23
			{w.u1, "2026-09-25", 16}, // 中秋 Friday: 09-28 counts as well
			{w.u1, "2026-09-18", 21}, // Sunday 09-20 was a make-up working day
			{w.u2, "2026-10-16", 5},
			{w.u2, "2026-10-15", 6},
			{w.u3, "2026-10-23", 0},
			{w.u3, "2026-10-12", 9},
			{w.u3, "2026-10-08", 12},
		} {
			submit(tc.org, tc.day)
		}
		decided := submit(w.u3, "2026-09-01")
		w.move(decided, model.AppApproved) // not pending: not aged
		w.clock.Set(time.Date(2026, 10, 23, 2, 0, 0, 0, time.UTC))

		rep, err := w.st.Report(context.Background(), w.root.ID, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64][4]int64{w.c1.ID: {1, 1, 1, 2}, w.c2.ID: {1, 1, 1, 0}}
		if len(rep.Ageing) != 2 {
			t.Fatalf("ageing rows: %+v", rep.Ageing)
		}
		for i, row := range rep.Ageing {
			if row.OrgID != rep.Rows[i].OrgID || row.Buckets != want[row.OrgID] {
				t.Errorf("ageing row %d: %+v, want org %d %v", i, row, rep.Rows[i].OrgID, want[rep.Rows[i].OrgID])
			}
		}
		if rep.AgeingTotal.Buckets != [4]int64{2, 2, 2, 2} {
			t.Errorf("ageing total: %+v", rep.AgeingTotal)
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
		rows, err := f.GetRows("积压账龄")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || rows[1][4] != "超过15个工作日（已超期）" || rows[4][0] != "合计（湖北省总工会）" ||
			rows[4][1] != "2" || rows[4][2] != "2" || rows[4][4] != "2" || rows[4][5] != "8" {
			t.Errorf("ageing sheet: %q", rows)
		}
	})
}
