package ratelimit

import (
	"context"
	"fmt"
	"time"
)

// maxForgetWindows bounds the windows Forget walks.
const maxForgetWindows = 400

// Forget deletes the counts of key in every window of w that holds a time
// from since to now, with the members AllowDistinct recorded for them: a
// cancelled account's (注销) counters, some of which name what it tried
// (the blind index of an ID number). Windows older than since have expired
// from the cache by themselves.
func (l *Limiter) Forget(ctx context.Context, key string, w Window, since time.Time, members ...string) error {
	now := l.now()
	var keys []string
	for t, n := since, 0; !t.After(now) && n < maxForgetWindows; n++ {
		start, end := w(t)
		if !end.After(t) {
			return fmt.Errorf("ratelimit: forget %q: window does not hold its time", key)
		}
		c := counterKey(key, start, end)
		keys = append(keys, c)
		for _, m := range members {
			keys = append(keys, c+":"+m)
		}
		t = end
	}
	if len(keys) == 0 {
		return nil
	}
	if err := l.cache.Delete(ctx, keys...); err != nil {
		return fmt.Errorf("ratelimit: %w", err)
	}
	return nil
}
