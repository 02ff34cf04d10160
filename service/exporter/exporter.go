// Package exporter writes the roll of a subtree to a file (API.md §8):
// xlsx, csv (UTF-8 with a BOM, so Excel opens it) or the national layout
// with GB/T codes (docs/national-export.md) for the higher-level systems.
// An export is a leased background job that streams members in keyset
// batches into an encrypted job file, so memory stays flat whatever the
// roll's size. The file holds full ID numbers (it is the data-exchange
// path): it is served to its requester only, for 24 hours, and every
// export is audited with its reason and row count.
package exporter

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
)

// JobKind is the kind of the export jobs; register Handle for it with the
// jobs Worker.
const JobKind = "export"

// The formats of an export.
const (
	FormatXLSX     = "xlsx"
	FormatCSV      = "csv"
	FormatNational = "national"
)

// FileTTL is how long a finished export can be downloaded.
const FileTTL = 24 * time.Hour

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Audit may be nil only in tests.
type Deps struct {
	DB    *gorm.DB
	Queue *jobs.Queue
	Files *jobfile.Store
	PII   *pii.Cipher
	Audit Auditor
}

// Config tunes the service.
type Config struct {
	// BatchSize is how many members one query reads; default 1000.
	BatchSize int
}

// Service starts export jobs, runs them and serves their files. Its time
// zone is that of business dates in the file names.
type Service struct {
	db        *gorm.DB
	queue     *jobs.Queue
	files     *jobfile.Store
	pii       *pii.Cipher
	audit     Auditor
	batchSize int
	now       func() time.Time
	loc       *time.Location
	log       *slog.Logger

	orgs    *model.OrgStore
	members *model.MemberStore
}

// New returns the export service.
func New(env service.Env, d Deps, cfg Config) *Service {
	env = env.WithDefaults()
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	return &Service{db: d.DB, queue: d.Queue, files: d.Files, pii: d.PII, audit: d.Audit, batchSize: cfg.BatchSize,
		now: env.Now, loc: env.Location, log: env.Log, orgs: model.NewOrgStore(d.DB), members: model.NewMemberStore(d.DB)}
}

// Request asks for an export of the roll under OrgID.
type Request struct {
	OrgID  int64
	Format string
	Reason string
}

// payload is what an export job carries besides its org and requester.
type payload struct {
	Format string `json:"format"`
	Reason string `json:"reason"`
}

// Start queues an export of the members on the roll of the subtree under
// req.OrgID, which must lie in the caller's export scope (404 otherwise);
// a format and a reason are required (422). It returns the job's id.
func (s *Service) Start(ctx context.Context, sc access.Scope, req Request) (int64, error) {
	if req.OrgID == 0 {
		return 0, service.InvalidField("org_id", "请选择要导出的工会")
	}
	o, err := s.orgs.GetInScope(ctx, req.OrgID, sc.Paths(access.Export))
	if errors.Is(err, model.ErrNotFound) {
		return 0, service.E(service.KindNotFound, "没有找到该工会")
	}
	if err != nil {
		return 0, err
	}
	var bad []service.FieldError
	switch req.Format {
	case FormatXLSX, FormatCSV, FormatNational:
	case "":
		bad = append(bad, service.FieldError{Field: "format", Message: "请选择导出格式：xlsx、csv 或 national"})
	default:
		bad = append(bad, service.FieldError{Field: "format", Message: "导出格式应为 xlsx、csv 或 national"})
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		bad = append(bad, service.FieldError{Field: "reason", Message: "请填写导出原因（不超过500字），它会记入审计日志"})
	} else if err := codes.CheckText(reason, "导出原因"); err != nil {
		bad = append(bad, service.FieldError{Field: "reason", Message: err.Error()})
	}
	if err := service.Invalid(bad); err != nil {
		return 0, err
	}
	var id int64
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if id, err = s.queue.Enqueue(ctx, JobKind, o.ID, sc.UserID, payload{Format: req.Format, Reason: reason}); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: o.ID, Action: "export.create",
			Target: "job:" + itoa(id), Detail: map[string]any{"format": req.Format, "reason": reason}})
	})
	return id, err
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}

var (
	errNotFound = service.E(service.KindNotFound, "没有找到该导出任务")
	errExpired  = service.E(service.KindNotFound, "导出文件已过期（只保存24小时），请重新导出")
	errNotReady = service.E(service.KindConflict, "导出尚未完成，请稍后再试")
	errFailed   = service.E(service.KindConflict, "导出失败，请重新导出")
)
