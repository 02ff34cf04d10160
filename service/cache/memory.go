package cache

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
)

const (
	// sweepEvery bounds how long expired entries may sit in the map while
	// writes keep coming; without writes the map cannot grow.
	sweepEvery = time.Minute
	// sweepMinLen keeps small maps from being swept on every growth step.
	sweepMinLen = 1024
)

// errClosed is what a closed Memory answers, like a Redis client that was
// closed: the backend is gone.
var errClosed = fmt.Errorf("%w: memory cache closed", ErrUnavailable)

// Memory is the in-process Cache of the embedded default. It is safe for
// concurrent use. Expired entries are invisible at once and are removed
// lazily: by the access that finds them, and by a sweep that writes trigger
// when the clock has moved on or the map has doubled, so no goroutine runs.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	entries   map[string]entry
	closed    bool
	nextSweep time.Time
	sweepLen  int // sweep when len(entries) reaches this
}

type entry struct {
	value   string
	expires time.Time // zero: never
}

func (e entry) expired(now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// NewMemory returns an empty Memory that reads the time from now (nil means
// time.Now); tests pass a fake clock instead of sleeping.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{
		now:       now,
		entries:   make(map[string]entry),
		nextSweep: now().Add(sweepEvery),
		sweepLen:  sweepMinLen,
	}
}

// Prefetch returns ctx: an in-process read costs no round trip.
func (m *Memory) Prefetch(ctx context.Context, _ ...string) context.Context { return ctx }

// Get returns the value of key, or ErrMiss.
func (m *Memory) Get(_ context.Context, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", errClosed
	}
	e, ok := m.lookup(key, m.now())
	if !ok {
		return "", ErrMiss
	}
	return e.value, nil
}

// Set stores value under key for ttl (ttl <= 0 means no expiry), replacing
// any earlier value and expiry.
func (m *Memory) Set(_ context.Context, key, value string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	now := m.now()
	m.store(key, entry{value: value, expires: expiry(now, ttl)}, now)
	return nil
}

// Delete removes keys; missing keys are not an error.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	for _, k := range keys {
		delete(m.entries, k)
	}
	return nil
}

// SetNX stores value under key for ttl only when key does not exist (or has
// expired), and reports whether it did.
func (m *Memory) SetNX(_ context.Context, key, value string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, errClosed
	}
	now := m.now()
	if _, ok := m.lookup(key, now); ok {
		return false, nil
	}
	m.store(key, entry{value: value, expires: expiry(now, ttl)}, now)
	return true, nil
}

// CompareAndSwap stores value under key for ttl only when key holds old
// (and has not expired), and reports whether it did.
func (m *Memory) CompareAndSwap(_ context.Context, key, old, value string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, errClosed
	}
	now := m.now()
	if e, ok := m.lookup(key, now); !ok || e.value != old {
		return false, nil
	}
	m.store(key, entry{value: value, expires: expiry(now, ttl)}, now)
	return true, nil
}

// Incr adds one to the integer under key and returns the new value. A key
// created by this call expires after ttl; later calls keep its expiry. A
// value that is not a 64-bit integer is an error, as in Redis.
func (m *Memory) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, errClosed
	}
	now := m.now()
	e, ok := m.lookup(key, now)
	if !ok {
		m.store(key, entry{value: "1", expires: expiry(now, ttl)}, now)
		return 1, nil
	}
	n, err := strconv.ParseInt(e.value, 10, 64)
	if err != nil || n == math.MaxInt64 {
		return 0, fmt.Errorf("cache: incr %q: value is not an integer or out of range", key)
	}
	n++
	e.value = strconv.FormatInt(n, 10)
	m.entries[key] = e
	return n, nil
}

// Ping reports whether the cache is open.
func (m *Memory) Ping(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errClosed
	}
	return nil
}

// Close drops every entry; later calls fail with ErrUnavailable. Closing
// twice is harmless.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries = nil
	return nil
}

// lookup returns the live entry under key, deleting it if it has expired.
// m.mu must be held.
func (m *Memory) lookup(key string, now time.Time) (entry, bool) {
	e, ok := m.entries[key]
	if !ok {
		return entry{}, false
	}
	if e.expired(now) {
		delete(m.entries, key)
		return entry{}, false
	}
	return e, true
}

// store writes e under key and sweeps when due. m.mu must be held.
func (m *Memory) store(key string, e entry, now time.Time) {
	m.entries[key] = e
	if len(m.entries) >= m.sweepLen || !now.Before(m.nextSweep) {
		m.sweep(now)
	}
}

// sweep removes every expired entry. Its cost is linear in the map, paid at
// most once per sweepEvery or per doubling, so writes stay amortised O(1).
// m.mu must be held.
func (m *Memory) sweep(now time.Time) {
	for k, e := range m.entries {
		if e.expired(now) {
			delete(m.entries, k)
		}
	}
	m.nextSweep = now.Add(sweepEvery)
	m.sweepLen = max(2*len(m.entries), sweepMinLen)
}

// expiry returns when an entry written at now with ttl expires (zero: never).
func expiry(now time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}

// Snapshot returns every live key with its value, for tests that scan
// the cache for what it must no longer hold.
func (m *Memory) Snapshot() map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	out := make(map[string]string, len(m.entries))
	for k, e := range m.entries {
		if !e.expired(now) {
			out[k] = e.value
		}
	}
	return out
}
