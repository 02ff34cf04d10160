package mydata

import (
	"context"
	"errors"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// JobKind is the kind of the data-export jobs; register Handle for it with
// the jobs Worker.
const JobKind = "me_data_export"

// FileKind is the kind of a data export's job file. The job files' Cleanup
// deletes it FileTTL after it was made, like the roll exports.
const FileKind = "personal_data"

// FileTTL is how long a finished export can be downloaded.
const FileTTL = 24 * time.Hour

var (
	errNotFound = service.E(service.KindNotFound, "没有找到该导出任务")
	errExpired  = service.E(service.KindNotFound, "导出文件已过期（只保存24小时），请重新导出")
	errNotReady = service.E(service.KindConflict, "导出尚未完成，请稍后再试")
	errFailed   = service.E(service.KindConflict, "导出失败，请重新导出")
)

// Start queues an export of the user's data and returns its job id. One a
// business day (UNIONHUB_TIMEZONE, midnight to midnight) per user: a second
// is refused (429) with Retry-After until the next midnight. The limit is
// counted in the cache, so it holds across nodes; the request is audited
// (me.data_export, no personal data in the entry).
func (s *Service) Start(ctx context.Context, userID int64) (int64, error) {
	dec, err := s.limiter.AllowIn(ctx, "user:me-data-export:"+itoa(userID), 1, ratelimit.Daily(s.loc))
	if err != nil {
		return 0, service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !dec.Allowed {
		return 0, service.RateLimited("个人信息副本每天只能导出一次，请明天再试", dec.RetryAfter)
	}
	var id int64
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if id, err = s.queue.Enqueue(ctx, JobKind, 0, userID, struct{}{}); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{ActorID: userID, Action: "me.data_export", Target: "job:" + itoa(id)})
	})
	return id, err
}

// Status is what the user sees of an export.
type Status struct {
	Status    string     // model.JobPending, JobRunning, JobDone, JobFailed
	ExpiresAt *time.Time // when the file goes; nil until it exists and after it went
}

// Status returns the user's export job id; 404 for anyone else's.
func (s *Service) Status(ctx context.Context, userID, id int64) (*Status, error) {
	status, err := s.mine(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	out := &Status{Status: status}
	if status == model.JobDone {
		f, err := s.files.Get(ctx, id)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
		if err == nil && s.now().Before(f.ExpiresAt) {
			out.ExpiresAt = &f.ExpiresAt
		}
	}
	return out, nil
}

// Download returns the file of the user's finished export id and a reader
// of its plaintext, for FileTTL after it was made (404 after that and for
// anyone else, 409 before it is done). Each download is audited.
func (s *Service) Download(ctx context.Context, userID, id int64) (*model.JobFile, *jobfile.Reader, error) {
	status, err := s.mine(ctx, userID, id)
	if err != nil {
		return nil, nil, err
	}
	switch status {
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
	if err := s.record(ctx, audit.Entry{ActorID: userID, Action: "me.data_export.download",
		Target: "job:" + itoa(id)}); err != nil {
		return nil, nil, err
	}
	return f, s.files.Open(ctx, f), nil
}

// mine returns the status of export job id when userID asked for it.
func (s *Service) mine(ctx context.Context, userID, id int64) (string, error) {
	j, err := s.queue.Get(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return "", errNotFound
	}
	if err != nil {
		return "", err
	}
	if j.Kind != JobKind || j.CreatedBy != userID || userID == 0 {
		return "", errNotFound
	}
	return j.Status, nil
}

// filename names the ZIP after the day it was made.
func (s *Service) filename(now time.Time) string {
	return "个人信息副本-" + now.In(s.loc).Format("20060102-1504") + ".zip"
}
