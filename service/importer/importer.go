// Package importer puts a union's existing roll on UnionHub from an .xlsx
// sheet (API.md §8): the upload is stored encrypted and imported by a
// leased background job that streams the sheet, checks each row as the
// form checks an application (without WeChat), inserts the good rows in
// batches and reports each bad one by row, column and a Chinese message.
// Importing the same sheet again adds nobody: the ID number's blind index
// is the roll's unique key.
package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
)

// JobKind is the kind of the import jobs; register Handle for it with the
// jobs Worker.
const JobKind = "import"

// MaxSize is the largest sheet accepted (API.md §1).
const MaxSize = 50 << 20

// sheetTTL bounds how long an uploaded sheet is kept when its job never
// ends cleanly; a finished import deletes its sheet at once.
const sheetTTL = 24 * time.Hour

// StatsRecorder keeps the monitoring counters in step with the roll, in
// the change's transaction: an import's batch joins the roll together.
type StatsRecorder interface {
	MembersJoined(ctx context.Context, ms []*model.Member) error
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Stats and Audit may be nil.
type Deps struct {
	DB    *gorm.DB
	Queue *jobs.Queue
	Files *jobfile.Store
	PII   *pii.Cipher
	Stats StatsRecorder
	Audit Auditor
}

// Config tunes the service.
type Config struct {
	// BatchSize is how many sheet rows one transaction takes; default 500.
	BatchSize int
}

// Service accepts sheets and runs import jobs. Its time zone is that of
// business dates: join dates, ages.
type Service struct {
	db        *gorm.DB
	queue     *jobs.Queue
	files     *jobfile.Store
	pii       *pii.Cipher
	stats     StatsRecorder
	audit     Auditor
	batchSize int
	now       func() time.Time
	loc       *time.Location
	log       *slog.Logger

	orgs    *model.OrgStore
	members *model.MemberStore
	errs    *model.ImportErrorStore
}

// New returns the import service.
func New(env service.Env, d Deps, cfg Config) *Service {
	env = env.WithDefaults()
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	return &Service{db: d.DB, queue: d.Queue, files: d.Files, pii: d.PII, stats: d.Stats, audit: d.Audit,
		batchSize: cfg.BatchSize, now: env.Now, loc: env.Location, log: env.Log,
		orgs: model.NewOrgStore(d.DB), members: model.NewMemberStore(d.DB), errs: model.NewImportErrorStore(d.DB)}
}

// CheckOrg returns the union a sheet may be imported into: a grassroots
// union in the caller's review scope (404 outside it), not dissolved.
func (s *Service) CheckOrg(ctx context.Context, sc access.Scope, orgID int64) (*model.Org, error) {
	if orgID == 0 {
		return nil, service.InvalidField("org_id", "请选择要导入的基层工会")
	}
	o, err := s.orgs.GetInScope(ctx, orgID, sc.Paths(access.Review))
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	if o.Type != model.OrgGrassroots {
		return nil, service.InvalidField("org_id", "会员只能导入到基层工会")
	}
	if o.Status != model.OrgActive {
		return nil, service.E(service.KindConflict, "该工会已撤销，不能导入会员")
	}
	return o, nil
}

// zipMagic starts every .xlsx (a zip archive).
const zipMagic = "PK\x03\x04"

// Start stores the sheet read from r (at most MaxSize bytes) encrypted and
// queues its import into orgID; it returns the job's id.
func (s *Service) Start(ctx context.Context, sc access.Scope, orgID int64, filename string, r io.Reader) (int64, error) {
	if _, err := s.CheckOrg(ctx, sc, orgID); err != nil {
		return 0, err
	}
	u, err := s.Receive(ctx, filename, r)
	if err != nil {
		return 0, err
	}
	return s.Submit(ctx, sc, orgID, u)
}

// Upload is a sheet received and stored encrypted, not yet queued: Submit
// it or Discard it.
type Upload struct {
	w        *jobfile.Writer
	filename string
}

// Receive stores the sheet read from r (at most MaxSize bytes) encrypted
// as it arrives, a part at a time, so that neither memory nor disk ever
// holds it whole in clear. It returns errNotXLSX (415) or a 413 for the
// sheet; other errors come from r or the store.
func (s *Service) Receive(ctx context.Context, filename string, r io.Reader) (*Upload, error) {
	head := make([]byte, len(zipMagic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != zipMagic {
		return nil, errNotXLSX
	}
	w := s.files.NewWriter(ctx)
	n, err := io.Copy(w, io.MultiReader(bytes.NewReader(head), io.LimitReader(r, MaxSize+1-int64(len(head)))))
	if err == nil && n > MaxSize {
		err = service.E(service.KindTooLarge, "导入文件不能超过50MB")
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		w.Abort()
		return nil, err
	}
	return &Upload{w: w, filename: filename}, nil
}

// Discard deletes a received sheet that will not be queued.
func (u *Upload) Discard() { u.w.Abort() }

// Submit queues the import of a received sheet into orgID and returns the
// job's id; on an error the sheet is discarded.
func (s *Service) Submit(ctx context.Context, sc access.Scope, orgID int64, u *Upload) (int64, error) {
	o, err := s.CheckOrg(ctx, sc, orgID)
	if err != nil {
		u.Discard()
		return 0, err
	}
	var id int64
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if id, err = s.queue.Enqueue(ctx, JobKind, o.ID, sc.UserID, nil); err != nil {
			return err
		}
		if _, err := s.files.Record(ctx, u.w, jobfile.Meta{JobID: id, Kind: model.JobFileImportSheet, OwnerID: sc.UserID,
			OrgID: o.ID, Filename: clip(u.filename, 100), ContentType: xlsxType, TTL: sheetTTL}); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{ActorID: sc.UserID, OrgID: o.ID, Action: "import.create",
			Target: "job:" + itoa(id), Detail: map[string]any{"size": u.w.Size()}})
	})
	if err != nil {
		u.Discard()
		return 0, err
	}
	return id, nil
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}

// xlsxType is the media type of .xlsx files.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var (
	errOrgNotFound = service.E(service.KindNotFound, "没有找到该工会")
	errNotFound    = service.E(service.KindNotFound, "没有找到该导入任务")
	errNotXLSX     = service.E(service.KindUnsupportedType, "请上传 .xlsx 格式的 Excel 文件（不支持 .xls 和 .csv，可在 Excel 中“另存为”.xlsx）")
)
