package stats

import (
	"context"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/calendar"
)

// AgeingRow counts an org's pending applications by the working days they
// have waited since their latest submission: 0–5, 6–10, 11–15 and over 15
// (past the 15-working-day deadline).
type AgeingRow struct {
	OrgID   int64
	Name    string
	Buckets [4]int64
}

// ageingBucket returns the bucket of an application waiting days.
func ageingBucket(days int) int {
	switch {
	case days <= 5:
		return 0
	case days <= 10:
		return 1
	case days <= 15:
		return 2
	}
	return 3
}

// ageing fills rep's ageing sheet: o's pending applications per child (in
// rep.Rows' order) and in total, aged on today's business date.
func (s *Service) ageing(ctx context.Context, o *model.Org, rep *Report) error {
	today := calendar.DateOf(s.now().In(s.loc))
	byOrg := map[int64]*AgeingRow{}
	rep.AgeingTotal = AgeingRow{OrgID: o.ID, Name: o.Name}
	for _, r := range rep.Rows {
		row := &AgeingRow{OrgID: r.OrgID, Name: r.Name}
		byOrg[r.OrgID] = row
	}
	err := s.stats.EachPending(ctx, o.Path, func(p model.PendingSince) error {
		b := ageingBucket(s.calendar.WorkingDaysBetween(calendar.DateOf(p.SubmittedAt.In(s.loc)), today))
		rep.AgeingTotal.Buckets[b]++
		if row := byOrg[childOf(o.Path, p.Path)]; row != nil {
			row.Buckets[b]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep.Ageing = make([]AgeingRow, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		rep.Ageing = append(rep.Ageing, *byOrg[r.OrgID])
	}
	return nil
}

var ageingHeader = []any{"组织名称", "0–5个工作日", "6–10个工作日", "11–15个工作日", "超过15个工作日（已超期）", "待审核合计"}

// ageingSheet is the name of the report's ageing worksheet.
const ageingSheet = "积压账龄"

// writeAgeing adds the ageing worksheet to f: a title, the header, a row
// per child, and the total.
func (r *Report) writeAgeing(f *excelize.File) error {
	if _, err := f.NewSheet(ageingSheet); err != nil {
		return err
	}
	title := fmt.Sprintf("%s 待审核入会申请账龄（自最近一次提交起的工作日数，制表时数；办结时限15个工作日）", r.OrgName)
	if err := f.SetCellStr(ageingSheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetSheetRow(ageingSheet, "A2", &ageingHeader); err != nil {
		return err
	}
	total := r.AgeingTotal
	total.Name = "合计（" + r.OrgName + "）"
	for i, row := range append(append([]AgeingRow(nil), r.Ageing...), total) {
		b := row.Buckets
		cells := []any{row.Name, b[0], b[1], b[2], b[3], b[0] + b[1] + b[2] + b[3]}
		if err := f.SetSheetRow(ageingSheet, "A"+strconv.Itoa(i+3), &cells); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(ageingSheet, "A", "A", 36); err != nil {
		return err
	}
	return f.SetColWidth(ageingSheet, "B", "F", 16)
}
