package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/importer/xlsx"
	"github.com/unionhub/unionhub/service/jobs"
)

// Handle runs import job j: the jobs Worker's handler for JobKind. A job
// taken over after a crash goes on after the last committed row; rows
// before it are read again only to know their ID numbers.
func (s *Service) Handle(ctx context.Context, j *jobs.Job) (any, error) {
	r := &run{s: s, job: j, seen: make(map[string]int)}
	if len(j.Result) > 0 {
		if err := json.Unmarshal(j.Result, &r.p); err != nil {
			return nil, fmt.Errorf("import %d: progress: %w", j.ID, err)
		}
		r.p.Message = ""
	}
	r.resumeAfter = r.p.Row
	o, err := s.orgs.Get(ctx, j.OrgID)
	if err != nil {
		return nil, err
	}
	r.org = o
	book, err := s.openSheet(ctx, j.ID)
	if err != nil {
		return r.fail(err)
	}
	now := s.now()
	r.check = rowChecker{now: now, loc: s.loc, date1904: book.Date1904}
	r.now = now.UTC()
	if err := r.readAll(ctx, book); err != nil {
		return r.fail(err)
	}
	if err := s.files.Delete(ctx, j.ID); err != nil {
		s.log.WarnContext(ctx, "import: delete the sheet", "job_id", j.ID, "err", err)
	}
	err = s.record(ctx, audit.Entry{ActorID: j.CreatedBy, OrgID: j.OrgID, Action: "import.done",
		Target: "job:" + itoa(j.ID), Detail: map[string]any{"total": r.p.Total, "imported": r.p.Imported, "failed": r.p.Failed}})
	return r.p, err
}

// sheetError is a problem with the whole sheet, told to the admin.
type sheetError struct{ msg string }

func (e *sheetError) Error() string { return e.msg }

// openSheet opens the job's stored sheet. The file is held in memory (at
// most MaxSize) and read within xlsx.DefaultLimits: nothing of it is
// written to disk in clear, and a hostile file costs bounded memory.
func (s *Service) openSheet(ctx context.Context, jobID int64) (*xlsx.Book, error) {
	f, err := s.files.Get(ctx, jobID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, &sheetError{"导入文件已不存在，请重新上传"}
	}
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(s.files.Open(ctx, f), MaxSize))
	if err != nil {
		return nil, err
	}
	book, err := xlsx.Open(data, xlsx.DefaultLimits)
	if err != nil {
		return nil, bookError(err)
	}
	return book, nil
}

// bookError turns what the workbook reader found into a message for the
// admin; other errors are the Worker's to log.
func bookError(err error) error {
	var le *xlsx.LimitError
	switch {
	case errors.As(err, &le):
		return &sheetError{le.Msg}
	case errors.Is(err, xlsx.ErrNoSheet):
		return &sheetError{"文件中没有工作表"}
	case errors.Is(err, xlsx.ErrTooManyRows):
		return &sheetError{"文件行数超出 Excel 的上限，无法读取"}
	}
	return &sheetError{"无法读取该文件，请用 Excel 另存为 .xlsx 格式后重新上传"}
}

// fail ends the job as failed: a sheet error is told to the admin in the
// result, anything else is the Worker's to log.
func (r *run) fail(err error) (any, error) {
	var se *sheetError
	if errors.As(err, &se) {
		r.p.Message = se.msg
		return r.p, err
	}
	return nil, err
}
