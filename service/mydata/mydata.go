// Package mydata serves a person's rights of access and copy (查阅、复制、
// 可携带; PIPL art. 45, API.md §10): everything held about a user in one
// document (GET /me/data), and a copy to take away (POST /me/data-exports):
// a ZIP of the same document as JSON and .xlsx with the user's own images,
// the user's own ID number and phone in clear, built by a leased background
// job into an encrypted job file that only the user can download, for 24
// hours (the job files' cleanup deletes it then), once per business day.
package mydata

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Images opens a user's own uploaded files (the upload service).
type Images interface {
	Open(ctx context.Context, userID, id int64) (*model.Upload, []byte, error)
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Audit may be nil only in tests.
type Deps struct {
	DB      *gorm.DB
	PII     *pii.Cipher
	Queue   *jobs.Queue
	Files   *jobfile.Store
	Images  Images
	Limiter *ratelimit.Limiter
	Audit   Auditor
}

// Service collects a user's data and runs the data exports. Its time zone
// is that of the times shown and of "one a day".
type Service struct {
	db      *gorm.DB
	pii     *pii.Cipher
	queue   *jobs.Queue
	files   *jobfile.Store
	photos  Images
	limiter *ratelimit.Limiter
	audit   Auditor
	now     func() time.Time
	loc     *time.Location
	log     *slog.Logger
	store   *model.PersonalDataStore
}

// New returns the service.
func New(env service.Env, d Deps) *Service {
	env = env.WithDefaults()
	return &Service{db: d.DB, pii: d.PII, queue: d.Queue, files: d.Files, photos: d.Images, limiter: d.Limiter,
		audit: d.Audit, now: env.Now, loc: env.Location, log: env.Log, store: model.NewPersonalDataStore(d.DB)}
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}
