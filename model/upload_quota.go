package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// liveUploads are the files that still count against their owner's quota
// at now: not deleted, and not past their scheduled deletion (the hourly
// cleanup may not have run yet, but the file is as good as gone).
func (s *UploadStore) liveUploads(ctx context.Context, ownerID int64, now time.Time) *gorm.DB {
	return Conn(ctx, s.db).Model(&Upload{}).
		Where("owner_id = ? AND deleted_at IS NULL AND (delete_after IS NULL OR delete_after > ?)", ownerID, now)
}

// CountLive counts ownerID's files that count against its quota at now.
func (s *UploadStore) CountLive(ctx context.Context, ownerID int64, now time.Time) (int64, error) {
	var n int64
	err := s.liveUploads(ctx, ownerID, now).Count(&n).Error
	return n, Translate(err)
}

// NextDeletion returns when the first of ownerID's live files is due for
// deletion, or ErrNotFound when none is scheduled (every one is in use).
func (s *UploadStore) NextDeletion(ctx context.Context, ownerID int64, now time.Time) (time.Time, error) {
	var u Upload
	err := s.liveUploads(ctx, ownerID, now).Select("delete_after").Where("delete_after IS NOT NULL").
		Order("delete_after").Take(&u).Error
	if err := Translate(err); err != nil {
		return time.Time{}, err
	}
	return *u.DeleteAfter, nil
}
