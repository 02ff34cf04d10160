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

// Get returns upload id while it is live at now: not deleted and not past
// its delete_after (a file due for deletion is gone, whether or not the
// cleanup has removed it yet), or ErrNotFound. Every read of a file goes
// through here.
func (s *UploadStore) Get(ctx context.Context, id int64, now time.Time) (*Upload, error) {
	var u Upload
	err := Conn(ctx, s.db).Where("id = ? AND deleted_at IS NULL AND (delete_after IS NULL OR delete_after > ?)", id, now).
		Take(&u).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &u, nil
}

// Undeleted returns the uploads among ids whose files are not deleted yet,
// whatever their delete_after.
func (s *UploadStore) Undeleted(ctx context.Context, ids []int64) ([]Upload, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []Upload
	err := Conn(ctx, s.db).Where("id IN ? AND deleted_at IS NULL", ids).Find(&out).Error
	return out, Translate(err)
}

// ExpireOwned makes every undeleted upload of owner due at now, except a
// photo that a member on the roll uses (a record the owner no longer
// holds, e.g. claimed by another account), and returns their ids.
func (s *UploadStore) ExpireOwned(ctx context.Context, ownerID int64, now time.Time) ([]int64, error) {
	db := Conn(ctx, s.db)
	inUse := db.Session(&gorm.Session{NewDB: true}).Model(&Member{}).Select("photo_upload_id").
		Where("photo_upload_id IS NOT NULL AND status IN ?", OnRollStatuses)
	var ids []int64
	err := db.Model(&Upload{}).Where("owner_id = ? AND deleted_at IS NULL AND id NOT IN (?)", ownerID, inUse).
		Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return nil, Translate(err)
	}
	return ids, s.SetDeleteAfter(ctx, ids, &now)
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
