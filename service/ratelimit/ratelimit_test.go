package ratelimit_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// fixture is one test's limiter, its clock and a key prefix of its own.
type fixture struct {
	limiter *ratelimit.Limiter
	clock   *cachetest.Clock
	cache   cache.Cache
	prefix  string
}

// forEachCache runs test on the in-process cache, on Redis when the test
// environment names one, and on a Redis Cluster of the test binary's own.
func forEachCache(t *testing.T, start time.Time, test func(t *testing.T, f fixture)) {
	backends := []struct {
		name string
		open func(t *testing.T, clock *cachetest.Clock) cache.Cache
	}{
		{"memory", func(t *testing.T, clock *cachetest.Clock) cache.Cache {
			m := cache.NewMemory(clock.Now)
			t.Cleanup(func() { _ = m.Close() })
			return m
		}},
		{"redis", func(t *testing.T, _ *cachetest.Clock) cache.Cache { return cachetest.Redis(t) }},
		// The cluster is the test binary's own and dies with it: nothing to clean.
		{"cluster", func(t *testing.T, _ *cachetest.Clock) cache.Cache { return cachetest.Cluster(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			clock := cachetest.NewClock(start)
			c := b.open(t, clock)
			prefix := cachetest.Prefix()
			if b.name == "redis" {
				t.Cleanup(func() { deleteRedisKeys(t, "rl:{"+prefix+"*") })
			}
			test(t, fixture{
				limiter: ratelimit.New(c, clock.Now),
				clock:   clock,
				cache:   c,
				prefix:  prefix,
			})
		})
	}
}

// deleteRedisKeys removes the counters a test left in the shared Redis
// (they would expire, but daily ones only after a day).
func deleteRedisKeys(t *testing.T, pattern string) {
	client, err := cache.NewUniversalClient(os.Getenv(cachetest.RedisAddrEnv), cache.OpenOptions{})
	if err != nil {
		t.Error(err)
		return
	}
	defer client.Close()
	ctx := context.Background()
	del := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, pattern, 100).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	}
	switch c := client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, del)
	case *redis.Client:
		err = del(ctx, c)
	}
	if err != nil {
		t.Errorf("deleting %s: %v", pattern, err)
	}
}

// step is one request in a scenario: the clock moves by advance first.
type step struct {
	advance       time.Duration
	wantAllowed   bool
	wantRemaining int
	wantRetry     time.Duration
}

func TestAllow(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 10, 500_000_000, time.UTC) // 49.5s left in the minute
	steps := []step{
		{0, true, 2, 50 * time.Second},
		{0, true, 1, 50 * time.Second},
		{time.Second, true, 0, 49 * time.Second},
		{0, false, 0, 49 * time.Second},
		{48*time.Second + 400*time.Millisecond, false, 0, time.Second}, // 09:00:59.9
		{99 * time.Millisecond, false, 0, time.Second},                 // 1ms left: still 1s
		{time.Millisecond, true, 2, time.Minute},                       // 09:01:00, a new window
	}
	forEachCache(t, start, func(t *testing.T, f fixture) {
		for i, s := range steps {
			f.clock.Advance(s.advance)
			got, err := f.limiter.Allow(t.Context(), f.prefix+"login:u1", 3, time.Minute)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			want := ratelimit.Decision{Allowed: s.wantAllowed, Remaining: s.wantRemaining, RetryAfter: s.wantRetry}
			if got != want {
				t.Fatalf("step %d at %s: got %+v, want %+v", i, f.clock.Now().Format("15:04:05.000"), got, want)
			}
		}
	})
}

// TestAllowDailyShanghai: "at most 5 phone bindings per user per day", the
// day being Beijing time. Shanghai midnight is 16:00 UTC.
func TestAllowDailyShanghai(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 1, 23, 59, 0, 0, shanghai)
	day := ratelimit.Daily(shanghai)
	forEachCache(t, start, func(t *testing.T, f fixture) {
		allow := func() ratelimit.Decision {
			t.Helper()
			d, err := f.limiter.AllowIn(t.Context(), f.prefix+"phone:u1", 5, day)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		for i := range 5 {
			if d := allow(); !d.Allowed || d.Remaining != 4-i {
				t.Fatalf("call %d: %+v", i+1, d)
			}
		}
		if d := allow(); d.Allowed || d.RetryAfter != time.Minute {
			t.Fatalf("6th call: %+v, want refused, retry after 1m", d)
		}
		f.clock.Advance(time.Minute) // 00:00 in Shanghai, still 1 March in UTC
		if d := allow(); !d.Allowed || d.Remaining != 4 || d.RetryAfter != 24*time.Hour {
			t.Fatalf("first call of the new day: %+v", d)
		}
		f.clock.Set(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)) // 08:00 in Shanghai, same day
		if d := allow(); !d.Allowed || d.Remaining != 3 || d.RetryAfter != 16*time.Hour {
			t.Fatalf("at UTC midnight: %+v, want the Shanghai day to go on", d)
		}
	})
}

// TestAllowWindowsApart: a per-minute and a per-hour limit on one key count
// apart, even where both windows start at the same instant.
func TestAllowWindowsApart(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	forEachCache(t, start, func(t *testing.T, f fixture) {
		for _, window := range []time.Duration{time.Minute, time.Hour} {
			d, err := f.limiter.Allow(t.Context(), f.prefix+"k", 1, window)
			if err != nil || !d.Allowed {
				t.Fatalf("first call per %v: %+v, %v", window, d, err)
			}
		}
		other, err := f.limiter.Allow(t.Context(), f.prefix+"other", 1, time.Minute)
		if err != nil || !other.Allowed {
			t.Fatalf("another key: %+v, %v", other, err)
		}
	})
}

// TestAllowConcurrent: of 100 simultaneous requests, exactly limit pass.
func TestAllowConcurrent(t *testing.T) {
	const calls, limit = 100, 10
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	forEachCache(t, start, func(t *testing.T, f fixture) {
		decisions := make([]ratelimit.Decision, calls)
		errs := make([]error, calls)
		var wg sync.WaitGroup
		for i := range calls {
			wg.Go(func() {
				decisions[i], errs[i] = f.limiter.Allow(t.Context(), f.prefix+"claim:u1", limit, time.Minute)
			})
		}
		wg.Wait()
		allowed := 0
		remaining := make(map[int]bool)
		for i, d := range decisions {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if d.Allowed {
				allowed++
				remaining[d.Remaining] = true
			}
		}
		if allowed != limit || len(remaining) != limit {
			t.Fatalf("%d allowed with %d distinct Remaining, want %d and %d", allowed, len(remaining), limit, limit)
		}
	})
}

func TestAllowErrors(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	backwards := func(now time.Time) (time.Time, time.Time) { return now, now.Add(-time.Hour) }
	later := func(now time.Time) (time.Time, time.Time) { return now.Add(time.Hour), now.Add(2 * time.Hour) }
	tests := []struct {
		name   string
		key    string
		limit  int
		window ratelimit.Window
	}{
		{"empty key", "", 1, ratelimit.Fixed(time.Minute)},
		{"zero limit", "k", 0, ratelimit.Fixed(time.Minute)},
		{"negative limit", "k", -1, ratelimit.Fixed(time.Minute)},
		{"zero window", "k", 1, ratelimit.Fixed(0)},
		{"negative window", "k", 1, ratelimit.Fixed(-time.Second)},
		{"window ends before it starts", "k", 1, backwards},
		{"window not holding now", "k", 1, later},
	}
	l := ratelimit.New(cache.NewMemory(nil), func() time.Time { return now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d, err := l.AllowIn(t.Context(), tt.key, tt.limit, tt.window); err == nil {
				t.Fatalf("got %+v, want an error", d)
			}
		})
	}
}

func TestAllowCacheUnavailable(t *testing.T) {
	m := cache.NewMemory(nil)
	_ = m.Close()
	_, err := ratelimit.New(m, nil).Allow(t.Context(), "k", 1, time.Minute)
	if !errors.Is(err, cache.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

// TestPeek: Peek decides without counting; AllowIn counts.
func TestPeek(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	hour := ratelimit.Fixed(time.Hour)
	forEachCache(t, start, func(t *testing.T, f fixture) {
		key := f.prefix + "onroll:u1"
		for i := range 3 {
			d, err := f.limiter.Peek(t.Context(), key, 2, hour)
			if err != nil {
				t.Fatal(err)
			}
			if want := i < 2; d.Allowed != want || d.RetryAfter != time.Hour {
				t.Fatalf("peek after %d counted: %+v, want allowed=%v", i, d, want)
			}
			for range 3 { // peeking again counts nothing
				if again, _ := f.limiter.Peek(t.Context(), key, 2, hour); again != d {
					t.Fatalf("peek changed: %+v then %+v", d, again)
				}
			}
			if _, err := f.limiter.AllowIn(t.Context(), key, 2, hour); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestAllowDistinct: three distinct members a day; one already counted is
// allowed again, also once the limit is reached, and a new day starts over.
func TestAllowDistinct(t *testing.T) {
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	day := ratelimit.Daily(time.UTC)
	tests := []struct {
		member        string
		advance       time.Duration
		wantAllowed   bool
		wantRemaining int
	}{
		{"a", 0, true, 2},
		{"a", 0, true, 2},
		{"b", time.Hour, true, 1},
		{"c", 0, true, 0},
		{"d", 0, false, 0},
		{"b", 0, true, 0},
		{"d", 0, false, 0},
		{"d", 15 * time.Hour, true, 2}, // 00:00 the next day
	}
	forEachCache(t, start, func(t *testing.T, f fixture) {
		for i, tc := range tests {
			f.clock.Advance(tc.advance)
			d, err := f.limiter.AllowDistinct(t.Context(), f.prefix+"idnum:u1", tc.member, 3, day)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tc.wantAllowed || d.Remaining != tc.wantRemaining {
				t.Fatalf("step %d (%s): %+v, want allowed=%v remaining=%d", i, tc.member, d, tc.wantAllowed, tc.wantRemaining)
			}
		}
	})
}
