package model

import (
	"context"

	"gorm.io/gorm"
)

// ImportError is one bad cell or row of an import: Seq orders the errors of
// a job, Row is the sheet's row number (the header is row 1), Field the
// column's header.
type ImportError struct {
	JobID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq     int   `gorm:"primaryKey;autoIncrement:false"`
	Row     int   `gorm:"column:row_no"`
	Field   string
	Message string
}

// ImportErrorStore reads and writes the errors of imports.
type ImportErrorStore struct{ db *gorm.DB }

// NewImportErrorStore returns an ImportErrorStore on db.
func NewImportErrorStore(db *gorm.DB) *ImportErrorStore { return &ImportErrorStore{db: db} }

// Add inserts errs (in the caller's transaction, with the batch they
// belong to).
func (s *ImportErrorStore) Add(ctx context.Context, errs []ImportError) error {
	if len(errs) == 0 {
		return nil
	}
	return Translate(Conn(ctx, s.db).CreateInBatches(errs, 500).Error)
}

// List returns the first limit errors of job id, in order.
func (s *ImportErrorStore) List(ctx context.Context, jobID int64, limit int) ([]ImportError, error) {
	var out []ImportError
	err := Conn(ctx, s.db).Where("job_id = ?", jobID).Order("seq").Limit(limit).Find(&out).Error
	return out, Translate(err)
}
