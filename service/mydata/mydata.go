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
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Images opens a user's own uploaded files (the upload service).
type Images interface {
	Open(ctx context.Context, userID, id int64) (*model.Upload, []byte, error)
}

// Deps are the service's collaborators; Audit may be nil only in tests.
type Deps struct {
	DB       *gorm.DB
	PII      *pii.Cipher
	Queue    *jobs.Queue
	Files    *jobfile.Store
	Images   Images
	Limiter  *ratelimit.Limiter
	Audit    org.Auditor
	Now      func() time.Time
	Location *time.Location // business time zone: of the times shown and of "one a day"
	Log      *slog.Logger
}

// Service collects a user's data and runs the data exports.
type Service struct {
	d     Deps
	store *model.PersonalDataStore
}

// New returns the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d, store: model.NewPersonalDataStore(d.DB)}
}

func (s *Service) record(ctx context.Context, e org.AuditEntry) error {
	if s.d.Audit == nil {
		return nil
	}
	return s.d.Audit.Record(ctx, e)
}
