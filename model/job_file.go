package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Job file kinds.
const (
	JobFileImportSheet  = "import_sheet"
	JobFileExportOutput = "export_output"
)

// JobFile is the file of a background job: an import's uploaded sheet or an
// export's output. Its bytes sit encrypted in the blob store under
// StoragePrefix as Parts numbered parts; ExpiresAt is when it is deleted
// (DeletedAt then set).
type JobFile struct {
	JobID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Kind          string
	OwnerID       int64
	OrgID         int64
	StoragePrefix string
	Parts         int
	Size          int64
	Filename      string
	ContentType   string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	DeletedAt     *time.Time
}

// JobFileStore reads and writes job files.
type JobFileStore struct{ db *gorm.DB }

// NewJobFileStore returns a JobFileStore on db.
func NewJobFileStore(db *gorm.DB) *JobFileStore { return &JobFileStore{db: db} }

// Create inserts f.
func (s *JobFileStore) Create(ctx context.Context, f *JobFile) error {
	return Translate(Conn(ctx, s.db).Create(f).Error)
}

// Get returns the live (not deleted) file of job id, or ErrNotFound.
func (s *JobFileStore) Get(ctx context.Context, jobID int64) (*JobFile, error) {
	var f JobFile
	err := Conn(ctx, s.db).Where("job_id = ? AND deleted_at IS NULL", jobID).Take(&f).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &f, nil
}

// Expired returns up to limit live files that expired before now.
func (s *JobFileStore) Expired(ctx context.Context, now time.Time, limit int) ([]JobFile, error) {
	var out []JobFile
	err := Conn(ctx, s.db).Where("deleted_at IS NULL AND expires_at < ?", now).
		Order("expires_at").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// MarkDeleted records that the file of job id is gone.
func (s *JobFileStore) MarkDeleted(ctx context.Context, jobID int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&JobFile{}).Where("job_id = ? AND deleted_at IS NULL", jobID).
		Update("deleted_at", now).Error)
}
