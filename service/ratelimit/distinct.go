package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/unionhub/unionhub/service/cache"
)

// Peek decides whether one more request for key would be within limit in
// the current window of w, without counting it: for limits that count an
// outcome (such as answers that reveal something) but must refuse before
// the work that would produce it, so that the refusal does not depend on
// the outcome. Count the outcome with AllowIn.
func (l *Limiter) Peek(ctx context.Context, key string, limit int, w Window) (Decision, error) {
	if key == "" || limit <= 0 {
		return Decision{}, fmt.Errorf("ratelimit: key %q, limit %d: want a key and a positive limit", key, limit)
	}
	now := l.now()
	start, end := w(now)
	if !start.Before(end) || now.Before(start) || !now.Before(end) {
		return Decision{}, errors.New("ratelimit: window does not hold now")
	}
	n, err := l.count(ctx, counterKey(key, start, end))
	if err != nil {
		return Decision{}, err
	}
	return Decision{Allowed: n < int64(limit), Remaining: int(max(int64(limit)-n, 0)),
		RetryAfter: roundUpSeconds(end.Sub(now))}, nil
}

// AllowDistinct counts distinct members of key in the current window of w
// (such as distinct ID numbers a user tried today) and decides against
// limit: a member already counted in this window is allowed again without
// counting, a new one is counted. Concurrent first requests for one new
// member may each count it: the limit errs on the strict side.
func (l *Limiter) AllowDistinct(ctx context.Context, key, member string, limit int, w Window) (Decision, error) {
	if member == "" {
		return Decision{}, errors.New("ratelimit: want a member")
	}
	now := l.now()
	start, end := w(now)
	seen := counterKey(key, start, end) + ":" + member
	_, err := l.cache.Get(ctx, seen)
	switch {
	case err == nil: // counted already: allowed while the window lasts
		n, err := l.count(ctx, counterKey(key, start, end))
		if err != nil {
			return Decision{}, err
		}
		return Decision{Allowed: true, Remaining: int(max(int64(limit)-n, 0)), RetryAfter: roundUpSeconds(end.Sub(now))}, nil
	case !errors.Is(err, cache.ErrMiss):
		return Decision{}, fmt.Errorf("ratelimit: %w", err)
	}
	d, err := l.AllowIn(ctx, key, limit, w)
	if err != nil || !d.Allowed {
		return d, err
	}
	if err := l.cache.Set(ctx, seen, "1", end.Sub(now)+expiryMargin); err != nil {
		return Decision{}, fmt.Errorf("ratelimit: %w", err)
	}
	return d, nil
}

// count reads a window's counter; a missing one is zero.
func (l *Limiter) count(ctx context.Context, key string) (int64, error) {
	v, err := l.cache.Get(ctx, key)
	if errors.Is(err, cache.ErrMiss) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ratelimit: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("ratelimit: counter %s: %w", key, err)
	}
	return n, nil
}
