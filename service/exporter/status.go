package exporter

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/jobfile"
)

// Progress is an export's job result: the rows written so far, and the
// storage prefix of the file being written (so a later attempt can delete
// what a dead one left).
type Progress struct {
	Rows   int    `json:"rows"`
	Prefix string `json:"prefix,omitempty"`
	// Message says why the export failed, in words for the requester
	// (not "error", which the jobs Worker writes with an internal cause).
	Message string `json:"message,omitempty"`
}

// Status is what the requester sees of an export.
type Status struct {
	Status    string // model.JobPending, JobRunning, JobDone, JobFailed
	Format    string
	Rows      int
	ExpiresAt *time.Time // when the file goes; nil until it exists and after it went
	Error     string     // why a failed export failed, when it can be told
}

// mine returns export job id when the caller requested it and its union
// still lies in the caller's export scope; 404 otherwise.
func (s *Service) mine(ctx context.Context, sc access.Scope, id int64) (*jobsView, error) {
	j, err := s.queue.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if j.Kind != JobKind || j.CreatedBy != sc.UserID || j.OrgID == 0 {
		return nil, errNotFound
	}
	if _, err := s.orgs.GetInScope(ctx, j.OrgID, sc.Paths(access.Export)); errors.Is(err, model.ErrNotFound) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	v := &jobsView{id: j.ID, orgID: j.OrgID, status: j.Status}
	if err := j.Decode(&v.payload); err != nil {
		return nil, err
	}
	if len(j.Result) > 0 {
		if err := json.Unmarshal(j.Result, &v.progress); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// jobsView is an export job as this package reads it.
type jobsView struct {
	id, orgID int64
	status    string
	payload   payload
	progress  Progress
}

// Status returns the caller's export job id.
func (s *Service) Status(ctx context.Context, sc access.Scope, id int64) (*Status, error) {
	v, err := s.mine(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	out := &Status{Status: v.status, Format: v.payload.Format, Rows: v.progress.Rows, Error: v.progress.Message}
	if out.Status == model.JobFailed && out.Error == "" {
		out.Error = "导出未能完成，请重新导出"
	}
	if v.status == model.JobDone {
		if f, err := s.files.Get(ctx, id); err == nil && s.now().Before(f.ExpiresAt) {
			out.ExpiresAt = &f.ExpiresAt
		} else if err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// Download returns the file of the caller's finished export job id and a
// reader of its plaintext, for FileTTL after it was made; 404 after that,
// 409 before it is done. Each download is audited.
func (s *Service) Download(ctx context.Context, sc access.Scope, id int64) (*model.JobFile, *jobfile.Reader, error) {
	v, err := s.mine(ctx, sc, id)
	if err != nil {
		return nil, nil, err
	}
	switch v.status {
	case model.JobDone:
	case model.JobFailed:
		return nil, nil, errFailed
	default:
		return nil, nil, errNotReady
	}
	f, err := s.files.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, errExpired
	}
	if err != nil {
		return nil, nil, err
	}
	if !s.now().Before(f.ExpiresAt) {
		return nil, nil, errExpired
	}
	err = s.record(ctx, orgAudit(sc.UserID, v.orgID, "export.download", id,
		map[string]any{"format": v.payload.Format, "rows": v.progress.Rows}))
	if err != nil {
		return nil, nil, err
	}
	return f, s.files.Open(ctx, f), nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
