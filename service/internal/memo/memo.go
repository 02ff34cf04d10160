// Package memo keeps the results of pure functions of a string — a token's
// signature check, a cached JSON value's decoding — so that a request
// repeating the same input skips the work. A memo never answers anything
// the function would not: it only spares recomputing it.
package memo

import "sync"

// Memo maps inputs to results, holding at most Max entries: when full, it
// starts afresh, so its memory stays bounded whatever the inputs, and the
// inputs in use come back at once.
type Memo[V any] struct {
	max int
	mu  sync.Mutex
	m   map[string]V
}

// New returns a Memo of at most max entries.
func New[V any](max int) *Memo[V] {
	return &Memo[V]{max: max, m: make(map[string]V)}
}

// Get returns the result kept for key.
func (c *Memo[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	return v, ok
}

// Put keeps v for key.
func (c *Memo[V]) Put(key string, v V) {
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = v
	c.mu.Unlock()
}

// Len is how many results the memo holds.
func (c *Memo[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
