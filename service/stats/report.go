package stats

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// Report is a month's progress report (定期通报) of a subtree: one row per
// child org and a total for the org itself.
type Report struct {
	OrgID   int64
	OrgName string
	Month   string
	Rows    []ReportRow
	Total   ReportRow
	// Ageing is the ageing sheet: pending applications per child (in
	// Rows' order) by working days waiting, when the report is made.
	Ageing      []AgeingRow
	AgeingTotal AgeingRow
}

// ReportRow is one org's line. Members, workers, rate and pending are the
// counters when the report is made; joins, leaves and the review time are
// the month's.
type ReportRow struct {
	OrgID             int64
	Name              string
	Members, Workers  int64
	Rate              *float64
	Joined, Left      int64
	Pending           int64
	Reviews           int
	MedianReviewHours *float64 // submission to decision, of decisions made in the month
}

// Report builds the progress report of org orgID for month (YYYY-MM, in
// the business time zone), children ranked by members. A review time
// counts the latest submission of each application decided (approved,
// rejected or returned) in the month.
func (s *Service) Report(ctx context.Context, orgID int64, month string) (*Report, error) {
	start, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		return nil, service.InvalidField("month", "月份应为 YYYY-MM，如 2026-11")
	}
	o, err := s.orgs.Get(ctx, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	children, err := s.stats.Children(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	sum, err := s.stats.Sum(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	ids := []int64{o.ID}
	for _, c := range children {
		ids = append(ids, c.OrgID)
	}
	flows, err := s.stats.MonthOf(ctx, ids, month)
	if err != nil {
		return nil, err
	}
	hours := map[int64][]float64{}
	err = s.stats.EachReview(ctx, o.Path, start.UTC(), start.AddDate(0, 1, 0).UTC(), func(r model.ReviewTime) error {
		h := r.ReviewedAt.Sub(r.SubmittedAt).Hours()
		hours[o.ID] = append(hours[o.ID], h)
		if child := childOf(o.Path, r.Path); child != 0 {
			hours[child] = append(hours[child], h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	line := func(id int64, name string, st model.OrgStat) ReportRow {
		f := flows[id]
		return ReportRow{OrgID: id, Name: name, Members: st.MembersTotal, Workers: st.WorkersTotal,
			Rate: Rate(st.MembersTotal, st.WorkersTotal), Joined: f.Joined, Left: f.LeftCount, Pending: st.Pending,
			Reviews: len(hours[id]), MedianReviewHours: median(hours[id])}
	}
	rep := &Report{OrgID: o.ID, OrgName: o.Name, Month: month, Total: line(o.ID, o.Name, sum)}
	for _, c := range children {
		rep.Rows = append(rep.Rows, line(c.OrgID, c.Name, c.OrgStat))
	}
	slices.SortStableFunc(rep.Rows, func(a, b ReportRow) int {
		return cmp.Or(cmp.Compare(b.Members, a.Members), strings.Compare(a.Name, b.Name))
	})
	return rep, s.ageing(ctx, o, rep)
}

// childOf returns the child of parentPath on path (0 when path is the
// parent itself or outside it).
func childOf(parentPath, path string) int64 {
	rest, ok := strings.CutPrefix(path, parentPath)
	if !ok {
		return 0
	}
	seg, _, _ := strings.Cut(rest, "/")
	id, _ := strconv.ParseInt(seg, 10, 64)
	return id
}

// median of xs in hours, to one decimal; nil for none.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + m) / 2
	}
	m = math.Round(m*10) / 10
	return &m
}

var reportHeader = []any{"组织名称", "会员人数", "职工人数", "入会率", "本月增加（入会、转入）", "本月减少（退会、转出等）",
	"待审核申请", "本月审核件数", "审核用时中位数（小时）"}

// WriteXLSX writes the report: the progress sheet (a title, the header,
// a row per child, and the total) and the ageing sheet (writeAgeing).
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "定期通报"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := fmt.Sprintf("%s %s 会员发展情况通报（会员、职工、入会率、待审核为制表时数）", r.OrgName, r.Month)
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A2", &reportHeader); err != nil {
		return err
	}
	rows := append(slices.Clone(r.Rows), r.Total)
	rows[len(rows)-1].Name = "合计（" + r.OrgName + "）"
	for i, row := range rows {
		cells := []any{row.Name, row.Members, row.Workers, optional(row.Rate), row.Joined, row.Left,
			row.Pending, row.Reviews, optional(row.MedianReviewHours)}
		cell, err := excelize.CoordinatesToCellName(1, i+3)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "D3", "D"+strconv.Itoa(len(rows)+2), pct); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 36); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "I", 14); err != nil {
		return err
	}
	if err := r.writeAgeing(f); err != nil {
		return err
	}
	return f.Write(w)
}

func optional(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
