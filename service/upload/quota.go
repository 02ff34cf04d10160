package upload

import (
	"context"
	"errors"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// maxLiveFiles is how many files one account may keep (each at most
// MaxSize, so 200 MiB): an application uses at most eight (photo, two
// ID-card sides, five proofs), and a file no form uses is deleted a day
// after its upload.
const maxLiveFiles = 40

// quotaFullWait is the Retry-After when no file is due for deletion.
const quotaFullWait = 24 * time.Hour

// checkQuota refuses (429) a new file from ownerID while it keeps
// maxLiveFiles; Retry-After says when the first of them is deleted.
// Concurrent uploads may each pass it: the per-minute limit bounds that.
func (s *Service) checkQuota(ctx context.Context, ownerID int64) error {
	now := s.now().UTC()
	n, err := s.uploads.CountLive(ctx, ownerID, now)
	if err != nil || n < maxLiveFiles {
		return err
	}
	wait := quotaFullWait
	at, err := s.uploads.NextDeletion(ctx, ownerID, now)
	switch {
	case err == nil:
		wait = at.Sub(now)
	case !errors.Is(err, model.ErrNotFound):
		return err
	}
	return service.RateLimited("您上传的文件太多，未使用的文件会在上传一天后自动删除，请届时再试", wait)
}
