package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/importer/xlsx"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
)

// run is one attempt at an import job.
type run struct {
	s           *Service
	job         *jobs.Job
	org         *model.Org
	check       rowChecker
	now         time.Time
	layout      layout
	p           Progress
	resumeAfter int
	headerRead  bool
	// seen maps the ID numbers of the good rows read so far to their row,
	// so a second row of one person is reported.
	seen map[string]int

	// The batch being gathered.
	members []model.Member
	rows    []int // the sheet row of each of members
	errs    []model.ImportError
	total   int
	failed  int
	lastRow int
}

// readAll streams the first sheet: the header (row 1), then each row.
func (r *run) readAll(ctx context.Context, book *xlsx.Book) error {
	rows, err := book.Rows()
	if err != nil {
		return bookError(err)
	}
	defer rows.Close()
	rowNo := 0
	for rows.Next() {
		rowNo = rows.Row()
		cells := rows.Cells()
		if !r.headerRead {
			r.headerRead = true
			if rowNo != 1 {
				cells = nil // row 1 is empty
			}
			if err := r.header(ctx, cells); err != nil {
				return err
			}
			if rowNo == 1 {
				continue
			}
		}
		if blank(cells) {
			continue
		}
		if err := r.add(ctx, rowNo, cells, rows.Number(r.layout[colIDNumber])); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		var le *xlsx.LimitError
		if errors.As(err, &le) || errors.Is(err, xlsx.ErrTooManyRows) {
			return bookError(err)
		}
		return &sheetError{fmt.Sprintf("第%d行无法读取，请用 Excel 另存为 .xlsx 格式后重新上传", rows.Row())}
	}
	if rowNo == 0 {
		return r.headerMissing(ctx, required)
	}
	return r.flush(ctx)
}

// header reads row 1; a sheet without a required column fails at once.
func (r *run) header(ctx context.Context, cells []string) error {
	l, missing := readHeader(cells)
	if len(missing) > 0 {
		return r.headerMissing(ctx, missing)
	}
	r.layout = l
	return nil
}

// headerMissing records one error per missing column at row 1 and fails.
func (r *run) headerMissing(ctx context.Context, missing []column) error {
	names := make([]string, len(missing))
	for i, c := range missing {
		names[i] = Headers[c]
		r.errs = append(r.errs, model.ImportError{Row: 1, Field: Headers[c],
			Message: "表头缺少“" + Headers[c] + "”列，请使用导入模板"})
	}
	r.lastRow = max(r.lastRow, r.resumeAfter, 1)
	if r.resumeAfter < 1 {
		if err := r.flush(ctx); err != nil {
			return err
		}
	}
	return &sheetError{"表头缺少必填列：" + strings.Join(names, "、")}
}

// add checks one data row into the batch, and commits the batch when full.
// numberID: the ID number is a number cell, whose digits past the 15th
// Excel has lost (a wrong number may even pass the check): the row is
// reported whatever the digits say (API.md §8).
func (r *run) add(ctx context.Context, rowNo int, cells []string, numberID bool) error {
	rec, bad := r.check.check(cells, r.layout)
	if numberID {
		bad = slices.DeleteFunc(bad, func(e cellError) bool { return e.col == colIDNumber })
		bad = append([]cellError{{colIDNumber, numberCellID}}, bad...)
	}
	if len(bad) == 0 && rec.idNumber == sampleID && rec.person.Name == sample[colName] {
		bad = append(bad, cellError{colName, "这是模板中的示例行，未导入（可直接删除）"})
	}
	if len(bad) == 0 {
		if first, dup := r.seen[rec.idNumber]; dup {
			bad = append(bad, cellError{colIDNumber, fmt.Sprintf("与第%d行的身份证号码重复", first)})
		} else {
			r.seen[rec.idNumber] = rowNo
		}
	}
	if rowNo <= r.resumeAfter {
		return nil // committed by an earlier attempt
	}
	r.total++
	r.lastRow = rowNo
	if len(bad) > 0 {
		r.failed++
		sort.SliceStable(bad, func(i, k int) bool { return r.layout[bad[i].col] < r.layout[bad[k].col] })
		for _, b := range bad {
			r.errs = append(r.errs, model.ImportError{Row: rowNo, Field: Headers[b.col], Message: clip(b.msg, 200)})
		}
	} else {
		m, err := r.member(rec)
		if err != nil {
			return err
		}
		r.members = append(r.members, m)
		r.rows = append(r.rows, rowNo)
	}
	if r.total >= r.s.batchSize {
		return r.flush(ctx)
	}
	return ctx.Err()
}

// member builds the member record of a good row; its number is given when
// the batch commits.
func (r *run) member(rec record) (model.Member, error) {
	c, id := r.s.pii, model.NewID()
	idEnc, err := c.Encrypt(pii.MemberIDNumber.Row(id), rec.idNumber)
	if err != nil {
		return model.Member{}, err
	}
	phoneEnc, err := c.Encrypt(pii.MemberPhone.Row(id), rec.phone)
	if err != nil {
		return model.Member{}, err
	}
	idx := c.BlindIndexFor(pii.DomainIDNumber, rec.idNumber)
	phoneIdx := c.BlindIndexFor(pii.DomainPhone, rec.phone)
	return model.Member{ID: id, OrgID: r.org.ID, Status: model.MemberActive, Person: rec.person,
		IDNumberEnc: idEnc, IDNumberIdx: idx, RollKey: &idx, PhoneEnc: &phoneEnc, PhoneIdx: &phoneIdx,
		Employment: rec.employment, JoinedOn: rec.joinedOn, CardVersion: 1, Version: 1,
		CreatedAt: r.now, UpdatedAt: r.now}, nil
}

// flush commits the batch: the members not yet on the roll, their events
// and counters, the batch's errors and the progress, in one transaction.
// A member put on the roll by someone else meanwhile (an approval) fails
// the INSERT on roll_key: the batch is then tried again.
func (r *run) flush(ctx context.Context) error {
	if r.total == 0 && len(r.errs) == 0 {
		return nil
	}
	var err error
	for range 3 {
		var next Progress
		err = model.InTx(ctx, r.s.db, func(ctx context.Context) error {
			var e error
			next, e = r.commit(ctx)
			return e
		})
		if err == nil {
			r.p = next
			r.members, r.rows, r.errs, r.total, r.failed = r.members[:0], r.rows[:0], r.errs[:0], 0, 0
			return nil
		}
		if !errors.Is(err, model.ErrDuplicate) {
			break
		}
	}
	return err
}

func (r *run) commit(ctx context.Context) (Progress, error) {
	p := r.p
	keys := make([]string, len(r.members))
	for i, m := range r.members {
		keys[i] = m.IDNumberIdx
	}
	onRoll, err := r.s.members.OnRollKeys(ctx, keys)
	if err != nil {
		return p, err
	}
	errs := append([]model.ImportError(nil), r.errs...)
	good := make([]model.Member, 0, len(r.members))
	for i, m := range r.members {
		if onRoll[m.IDNumberIdx] {
			p.Failed++
			errs = append(errs, model.ImportError{Row: r.rows[i], Field: Headers[colIDNumber],
				Message: "该身份证号码已是在册会员，未重复导入"})
			continue
		}
		good = append(good, m)
	}
	if err := r.enrol(ctx, good); err != nil {
		return p, err
	}
	sort.SliceStable(errs, func(i, k int) bool { return errs[i].Row < errs[k].Row })
	for i := range errs {
		errs[i].JobID, errs[i].Seq = r.job.ID, p.Errors+i+1
	}
	// Only the first MaxListedErrors are ever shown (Status); the others
	// are counted, not kept, so a sheet of bad rows cannot fill the table.
	if err := r.s.errs.Add(ctx, errs[:max(0, min(len(errs), MaxListedErrors-p.Errors))]); err != nil {
		return p, err
	}
	p.Errors += len(errs)
	p.Total += r.total
	p.Failed += r.failed
	p.Imported += len(good)
	p.Row = max(p.Row, r.lastRow)
	return p, r.s.queue.SetProgress(ctx, r.job.ID, r.job.LeaseOwner, p)
}

// enrol puts ms on the roll as enrol does for an approved application, but
// with no WeChat user (they claim their card later): numbers, an event
// join each, and the counters.
func (r *run) enrol(ctx context.Context, ms []model.Member) error {
	if len(ms) == 0 {
		return nil
	}
	nos, err := r.s.members.ReserveMemberNos(ctx, r.org.RegionCode, len(ms))
	if err != nil {
		return err
	}
	code, _ := codes.NationalChangeType("join")
	reason := "批量导入"
	var actor *int64
	if r.job.CreatedBy != 0 {
		actor = &r.job.CreatedBy
	}
	evs := make([]model.MembershipEvent, len(ms))
	for i := range ms {
		ms[i].MemberNo = nos[i]
		evs[i] = model.MembershipEvent{ID: model.NewID(), MemberID: ms[i].ID, Type: "join", NationalCode: &code,
			Reason: &reason, ToOrgID: &r.org.ID, ActorID: actor, CreatedAt: r.now}
	}
	if err := r.s.members.CreateMany(ctx, ms); err != nil {
		return err
	}
	if err := r.s.members.AddEvents(ctx, evs); err != nil {
		return err
	}
	if r.s.stats == nil {
		return nil
	}
	joined := make([]*model.Member, len(ms))
	for i := range ms {
		joined[i] = &ms[i]
	}
	return r.s.stats.MembersJoined(ctx, joined)
}

// blank reports whether a row has no value at all.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
