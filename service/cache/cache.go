// Package cache is the small key-value cache UnionHub keeps beside its
// database: Redis (single node or cluster) in production, an in-process map
// for the embedded default. The database is always the truth; losing the
// cache may slow things down but never changes a decision.
package cache

import (
	"context"
	"errors"
	"time"
)

// ErrMiss is returned by Get when the key does not exist or has expired.
var ErrMiss = errors.New("cache: miss")

// ErrUnavailable wraps every failure to reach the cache backend, so callers
// can answer 503 without knowing which backend is configured.
var ErrUnavailable = errors.New("cache: unavailable")

// Cache is what UnionHub needs of a cache. Keys that must live in one Redis
// Cluster slot share a hash tag ({m:123}:...); no operation here spans keys.
//
// Every method fails with an error matching ErrUnavailable when the backend
// cannot be reached (or the cache is closed); callers answer 503 or fall
// back to the database. Other errors are bugs of the caller, such as Incr of
// a value that is not an integer.
type Cache interface {
	// Get returns the value of key, or ErrMiss.
	Get(ctx context.Context, key string) (string, error)
	// Set stores value under key for ttl (ttl <= 0 means no expiry). It
	// replaces any earlier value and expiry.
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	// Delete removes keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// SetNX stores value under key for ttl only when key does not exist,
	// and reports whether it did.
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	// CompareAndSwap stores value under key for ttl only when key holds
	// old (not when it is missing), and reports whether it did: a writer
	// that saw old replaces exactly what it saw, never a later write.
	CompareAndSwap(ctx context.Context, key, old, value string, ttl time.Duration) (bool, error)
	// Incr adds one to the integer under key and returns the new value. When
	// the key is created by this call it expires after ttl; later calls do not
	// extend the expiry (fixed windows for rate limits), and a key that exists
	// without an expiry keeps none.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// Prefetch reads keys in one round trip and returns a context under
	// which the next Get of each of them answers from that read (see
	// prefetch.go). It never fails: a key it could not read is read again
	// by its Get. A backend without round trips returns ctx as it is.
	Prefetch(ctx context.Context, keys ...string) context.Context
	// Ping reports whether the backend answers.
	Ping(ctx context.Context) error
	// Close releases the backend's resources; later calls fail with
	// ErrUnavailable.
	Close() error
}
