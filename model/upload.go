package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Upload kinds.
const (
	UploadPhoto       = "photo"
	UploadIDCardFront = "id_card_front"
	UploadIDCardBack  = "id_card_back"
	UploadProof       = "proof"
)

// Upload is a stored, encrypted file. DeleteAfter schedules its deletion:
// a day after upload while nothing uses it, the retention period after a
// decision for ID-card images, never while it is needed.
type Upload struct {
	ID          int64
	OwnerID     int64
	Kind        string
	StorageKey  string
	SHA256      string `gorm:"column:sha256"`
	Size        int64
	ContentType string
	Width       int
	Height      int
	Orientation int
	KeyID       string
	CreatedAt   time.Time
	DeleteAfter *time.Time
	DeletedAt   *time.Time
}

// UploadStore reads and writes uploads.
type UploadStore struct{ db *gorm.DB }

// NewUploadStore returns an UploadStore on db.
func NewUploadStore(db *gorm.DB) *UploadStore { return &UploadStore{db: db} }

// Create inserts u.
func (s *UploadStore) Create(ctx context.Context, u *Upload) error {
	return Translate(Conn(ctx, s.db).Create(u).Error)
}

// Get returns a live upload, or ErrNotFound.
func (s *UploadStore) Get(ctx context.Context, id int64) (*Upload, error) {
	var u Upload
	if err := Translate(Conn(ctx, s.db).Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error); err != nil {
		return nil, err
	}
	return &u, nil
}

// SetDeleteAfter schedules (or, with nil, cancels) the deletion of ids.
func (s *UploadStore) SetDeleteAfter(ctx context.Context, ids []int64, at *time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return Translate(Conn(ctx, s.db).Model(&Upload{}).Where("id IN ? AND deleted_at IS NULL", ids).Update("delete_after", at).Error)
}

// Due returns up to limit uploads whose deletion time has passed.
func (s *UploadStore) Due(ctx context.Context, now time.Time, limit int) ([]Upload, error) {
	var out []Upload
	err := Conn(ctx, s.db).Where("delete_after < ? AND deleted_at IS NULL", now).Order("delete_after").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// MarkDeleted records that the file of upload id is gone.
func (s *UploadStore) MarkDeleted(ctx context.Context, id int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&Upload{}).Where("id = ?", id).Update("deleted_at", now).Error)
}
