package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/org"
)

// Limits against zip bombs: an .xlsx is a zip whose parts may unpack to
// far more than the upload. Parts are refused past unzipLimit in all (by
// their declared sizes, which archive/zip holds them to while inflating);
// worksheets and shared strings past xmlInMemory are unpacked to temporary
// files and streamed from there instead of memory.
const (
	unzipLimit  = 1 << 30
	xmlInMemory = 16 << 20
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
	defer book.Close()
	props, _ := book.GetWorkbookProps()
	now := s.Now()
	r.check = rowChecker{now: now, loc: s.Location, date1904: props.Date1904 != nil && *props.Date1904}
	r.now = now.UTC()
	if err := r.readAll(ctx, book); err != nil {
		return r.fail(err)
	}
	if err := s.Files.Delete(ctx, j.ID); err != nil {
		s.Log.WarnContext(ctx, "import: delete the sheet", "job_id", j.ID, "err", err)
	}
	err = s.record(ctx, org.AuditEntry{ActorID: j.CreatedBy, OrgID: j.OrgID, Action: "import.done",
		Target: "job:" + itoa(j.ID), Detail: map[string]any{"total": r.p.Total, "imported": r.p.Imported, "failed": r.p.Failed}})
	return r.p, err
}

// sheetError is a problem with the whole sheet, told to the admin.
type sheetError struct{ msg string }

func (e *sheetError) Error() string { return e.msg }

// openSheet opens the job's stored sheet (in memory: at most MaxSize).
func (s *Service) openSheet(ctx context.Context, jobID int64) (*excelize.File, error) {
	f, err := s.Files.Get(ctx, jobID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, &sheetError{"导入文件已不存在，请重新上传"}
	}
	if err != nil {
		return nil, err
	}
	book, err := excelize.OpenReader(s.Files.Open(ctx, f), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xmlInMemory, TmpDir: s.TmpDir})
	switch {
	case err == nil:
		return book, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case strings.Contains(err.Error(), "unzip size exceeds"):
		return nil, &sheetError{"文件解压后超过1GB，无法导入，请分成几个文件"}
	case strings.Contains(err.Error(), "jobfile:"):
		return nil, err
	}
	return nil, &sheetError{"无法读取该文件，请用 Excel 另存为 .xlsx 格式后重新上传"}
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
