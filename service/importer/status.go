package importer

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// Progress is an import's counts: the job's result while it runs and
// after it ended.
type Progress struct {
	Total    int `json:"total"`    // data rows read (blank rows are not counted)
	Imported int `json:"imported"` // members put on the roll
	Failed   int `json:"failed"`   // bad rows, skipped
	Errors   int `json:"errors"`   // error lines recorded (a bad row has one or more)
	// Row is the last sheet row whose outcome is committed: a job taken
	// over after a crash goes on after it.
	Row int `json:"row"`
	// Message says why the whole import failed (no sheet, no required
	// column), in words for the admin. The key is not "error", which the
	// jobs Worker writes with an internal cause.
	Message string `json:"message,omitempty"`
}

// MaxListedErrors is how many error lines Status returns, and an import
// keeps; ErrorsTotal counts them all.
const MaxListedErrors = 1000

// Status is what an admin sees of an import.
type Status struct {
	Status string // model.JobPending, JobRunning, JobDone, JobFailed
	Progress
	Errors      []model.ImportError // the first MaxListedErrors, in sheet order
	ErrorsTotal int
}

// Status returns the import job id when its union lies in the caller's
// review scope; 404 otherwise.
func (s *Service) Status(ctx context.Context, sc access.Scope, id int64) (*Status, error) {
	j, err := s.queue.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) || err == nil && (j.Kind != JobKind || j.OrgID == 0) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.orgs.GetInScope(ctx, j.OrgID, sc.Paths(access.Review)); errors.Is(err, model.ErrNotFound) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	out := &Status{Status: j.Status}
	if len(j.Result) > 0 {
		if err := json.Unmarshal(j.Result, &out.Progress); err != nil {
			return nil, err
		}
	}
	if out.Errors, err = s.errs.List(ctx, id, MaxListedErrors); err != nil {
		return nil, err
	}
	out.ErrorsTotal = max(out.Progress.Errors, len(out.Errors))
	if out.Status == model.JobFailed && out.Message == "" {
		out.Message = "导入未能完成，请稍后重新导入"
	}
	return out, nil
}
