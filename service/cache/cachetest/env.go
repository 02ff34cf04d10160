package cachetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

const (
	// fakeTTL is the ttl the suite uses on a fake clock: any value works.
	fakeTTL = time.Minute
	// realTTL is the ttl on real time: short to keep the suite fast, long
	// enough that a busy machine does not miss a value before it expires.
	realTTL = 500 * time.Millisecond
	// realSlack is how long past an expiry the suite waits for Redis to
	// report the key gone, and how often it asks.
	realSlack = 2 * time.Second
	pollEvery = 10 * time.Millisecond
)

// env is one subtest's cache, clock and key space.
type env struct {
	t       *testing.T
	ctx     context.Context
	c       cache.Cache
	advance func(time.Duration)
	ttl     time.Duration
	prefix  string
	keys    []string // every key handed out, deleted at the end
}

func newEnv(t *testing.T, c cache.Cache, advance func(time.Duration)) *env {
	ttl := fakeTTL
	if advance == nil {
		ttl = realTTL
	}
	e := &env{t: t, ctx: t.Context(), c: c, advance: advance, ttl: ttl, prefix: Prefix()}
	// Leave nothing behind in a shared Redis. Cleanups run last-in first-out,
	// so this runs before the cleanup of newCache closes c; a cache the test
	// closed itself fails here, which is fine.
	t.Cleanup(func() { _ = c.Delete(context.Background(), e.keys...) })
	return e
}

// key returns the subtest's key for name.
func (e *env) key(name string) string {
	k := e.prefix + name
	e.keys = append(e.keys, k)
	return k
}

// sleep lets d pass on the cache's clock.
func (e *env) sleep(d time.Duration) {
	if e.advance != nil {
		e.advance(d)
		return
	}
	time.Sleep(d)
}

// sleepPast lets a ttl written just now run out, with a margin on real time.
func (e *env) sleepPast(ttl time.Duration) {
	if e.advance != nil {
		e.advance(ttl)
		return
	}
	time.Sleep(ttl + 200*time.Millisecond)
}

// expire waits until key, written with e.ttl just now, is gone.
func (e *env) expire(key string) {
	e.t.Helper()
	if e.advance != nil {
		e.advance(e.ttl)
		e.wantMiss(key)
		return
	}
	e.waitMiss(key, time.Now().Add(e.ttl))
}

// waitMiss polls a real-time cache until key is gone, failing if that takes
// longer than realSlack past expiresAt.
func (e *env) waitMiss(key string, expiresAt time.Time) {
	e.t.Helper()
	deadline := expiresAt.Add(realSlack)
	for {
		_, err := e.c.Get(e.ctx, key)
		if errors.Is(err, cache.ErrMiss) {
			return
		}
		if err != nil {
			e.t.Fatalf("Get(%q): %v", key, err)
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%q still present %v after its expiry", key, realSlack)
		}
		time.Sleep(pollEvery)
	}
}

func (e *env) set(key, value string, ttl time.Duration) {
	e.t.Helper()
	if err := e.c.Set(e.ctx, key, value, ttl); err != nil {
		e.t.Fatalf("Set(%q, %v): %v", key, ttl, err)
	}
}

func (e *env) setNX(key, value string, ttl time.Duration) bool {
	e.t.Helper()
	ok, err := e.c.SetNX(e.ctx, key, value, ttl)
	if err != nil {
		e.t.Fatalf("SetNX(%q): %v", key, err)
	}
	return ok
}

func (e *env) incr(key string, ttl time.Duration) int64 {
	e.t.Helper()
	n, err := e.c.Incr(e.ctx, key, ttl)
	if err != nil {
		e.t.Fatalf("Incr(%q): %v", key, err)
	}
	return n
}

func (e *env) wantValue(key, want string) {
	e.t.Helper()
	got, err := e.c.Get(e.ctx, key)
	if err != nil || got != want {
		e.t.Fatalf("Get(%q) = %q, %v; want %q", key, got, err, want)
	}
}

func (e *env) wantMiss(key string) {
	e.t.Helper()
	got, err := e.c.Get(e.ctx, key)
	if !errors.Is(err, cache.ErrMiss) {
		e.t.Fatalf("Get(%q) = %q, %v; want ErrMiss", key, got, err)
	}
}
