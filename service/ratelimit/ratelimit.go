// Package ratelimit counts requests per key in fixed windows held in the
// cache, so limits hold across API nodes.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// expiryMargin keeps a window's counter a little past the window's end, so
// a node whose clock lags the cache's still finds it.
const expiryMargin = 5 * time.Second

// Decision is the outcome of one request against a limit.
type Decision struct {
	// Allowed reports whether the request is within the limit.
	Allowed bool
	// Remaining is how many more requests the current window allows.
	Remaining int
	// RetryAfter is the time left in the current window, in whole seconds
	// rounded up and at least one: the Retry-After of a refused request.
	RetryAfter time.Duration
}

// Limiter counts requests per key and window in a cache.Cache. It is safe
// for concurrent use, and limiters on several nodes sharing one cache share
// their counts.
type Limiter struct {
	cache cache.Cache
	now   func() time.Time
}

// New returns a Limiter counting in c and reading the time from now (nil
// means time.Now).
func New(c cache.Cache, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{cache: c, now: now}
}

// Allow counts one request for key in the current fixed window of length
// window (aligned to the Unix epoch, see Fixed) and decides it against
// limit. Errors of the cache are returned (they match
// cache.ErrUnavailable when it cannot be reached): the caller decides
// whether to let the request through or answer 503.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (Decision, error) {
	return l.AllowIn(ctx, key, limit, Fixed(window))
}

// AllowIn is Allow over windows that w draws, such as Daily(loc) for "limit
// per calendar day in loc". The count of key lives in the cache under
// rl:{key}:<start>:<end> (Unix milliseconds): the braces keep every window
// of one key in one cluster slot, and the bounds keep a per-minute and a
// per-hour limit on the same key apart.
func (l *Limiter) AllowIn(ctx context.Context, key string, limit int, w Window) (Decision, error) {
	if key == "" || limit <= 0 {
		return Decision{}, fmt.Errorf("ratelimit: key %q, limit %d: want a key and a positive limit", key, limit)
	}
	now := l.now()
	start, end := w(now)
	if !start.Before(end) || now.Before(start) || !now.Before(end) {
		return Decision{}, errors.New("ratelimit: window does not hold now")
	}
	left := end.Sub(now)
	n, err := l.cache.Incr(ctx, counterKey(key, start, end), left+expiryMargin)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: %w", err)
	}
	return Decision{
		Allowed:    n <= int64(limit),
		Remaining:  int(max(int64(limit)-n, 0)),
		RetryAfter: roundUpSeconds(left),
	}, nil
}

func counterKey(key string, start, end time.Time) string {
	return "rl:{" + key + "}:" + strconv.FormatInt(start.UnixMilli(), 10) + ":" + strconv.FormatInt(end.UnixMilli(), 10)
}

// roundUpSeconds rounds d up to whole seconds, at least one: Retry-After
// counts in seconds, and 0 would invite an immediate retry.
func roundUpSeconds(d time.Duration) time.Duration {
	s := (d + time.Second - 1) / time.Second
	return max(s, 1) * time.Second
}
