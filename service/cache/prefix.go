package cache

import (
	"context"
	"time"
)

// Prefixed is a Cache whose keys all start with one prefix, so that several
// deployments (or parallel test runs) can share one Redis without meeting.
type Prefixed struct {
	Cache
	prefix string
}

// WithPrefix returns c with every key prefixed. Hash tags in keys keep
// working: the prefix holds no braces.
func WithPrefix(c Cache, prefix string) *Prefixed { return &Prefixed{Cache: c, prefix: prefix} }

// Get reads prefix+key.
func (p *Prefixed) Get(ctx context.Context, key string) (string, error) {
	return p.Cache.Get(ctx, p.prefix+key)
}

// Set writes prefix+key.
func (p *Prefixed) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	return p.Cache.Set(ctx, p.prefix+key, value, ttl)
}

// Delete removes prefix+key for each key.
func (p *Prefixed) Delete(ctx context.Context, keys ...string) error {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = p.prefix + k
	}
	return p.Cache.Delete(ctx, full...)
}

// SetNX writes prefix+key when it does not exist.
func (p *Prefixed) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	return p.Cache.SetNX(ctx, p.prefix+key, value, ttl)
}

// CompareAndSwap swaps prefix+key when it holds old.
func (p *Prefixed) CompareAndSwap(ctx context.Context, key, old, value string, ttl time.Duration) (bool, error) {
	return p.Cache.CompareAndSwap(ctx, p.prefix+key, old, value, ttl)
}

// Incr increments prefix+key.
func (p *Prefixed) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	return p.Cache.Incr(ctx, p.prefix+key, ttl)
}

// Prefetch reads prefix+key for each key.
func (p *Prefixed) Prefetch(ctx context.Context, keys ...string) context.Context {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = p.prefix + k
	}
	return p.Cache.Prefetch(ctx, full...)
}

// Prefix returns the prefix of every key.
func (p *Prefixed) Prefix() string { return p.prefix }
