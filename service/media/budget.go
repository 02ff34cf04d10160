package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/unionhub/unionhub/service"
)

// Budget bounds the memory that the image decodes of one node take
// together. Each decode holds its estimated cost (decodeCost) while it
// runs; a decode that does not fit waits, at most its wait and never past
// its context, then gives up with ErrBusy. With MaxDecodeBytes a decode
// and the node's budget a few of them, any number of uploads at once cost
// at most the budget in decoded pixels, whatever the files declare.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
}

// Default node budget: one decode at the per-image maximum, or about seven
// 12-megapixel phone photos (JPEG decodes to 1.5 bytes a pixel) at once.
const (
	DefaultBudgetBytes = 128 << 20
	DefaultBudgetWait  = 5 * time.Second
)

// NewBudget returns a budget of size bytes (at least MaxDecodeBytes, so
// every image Process accepts can be decoded) whose decodes wait at most
// wait for room.
func NewBudget(size int64, wait time.Duration) *Budget {
	size = max(size, MaxDecodeBytes)
	return &Budget{sem: semaphore.NewWeighted(size), size: size, wait: wait}
}

// ErrBusy means the node's decode budget stayed full for the whole wait:
// 503, and the client tries again a little later.
var ErrBusy = &service.Error{Kind: service.KindUnavailable,
	Message: "当前上传的人较多，请稍后重新上传", RetryAfter: DefaultBudgetWait}

// acquire takes n bytes of the budget and returns the function that gives
// them back.
func (b *Budget) acquire(ctx context.Context, n int64) (func(), error) {
	n = min(max(n, 1), b.size)
	if !b.sem.TryAcquire(n) {
		wctx, cancel := context.WithTimeout(ctx, b.wait)
		err := b.sem.Acquire(wctx, n)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: no room for %d MiB within %v", ErrBusy, n>>20, b.wait)
			}
			return nil, err
		}
	}
	return func() { b.sem.Release(n) }, nil
}
