package cache

import (
	"context"
	"sync"
)

// A request that will read several keys one after another (its session,
// the caller's roles, a member's card state) can read them all in one
// round trip first: Prefetch returns a context that carries the answers,
// and the next Get of each key under that context takes its answer from
// there instead of asking the backend again. Each answer serves one Get
// only, and any write of the key under that context drops it, so a
// prefetched answer is never older than a Get made at the moment of the
// Prefetch would have been. A key whose read failed is not carried: its
// Get asks the backend and sees the failure itself.

type prefetchedKey struct{}

// prefetched holds a request's answers: a value, or ErrMiss.
type prefetched struct {
	mu      sync.Mutex
	answers map[string]answer
}

type answer struct {
	value string
	err   error
}

func withPrefetched(ctx context.Context, answers map[string]answer) context.Context {
	if len(answers) == 0 {
		return ctx
	}
	return context.WithValue(ctx, prefetchedKey{}, &prefetched{answers: answers})
}

// takePrefetched returns and forgets the answer prefetched for key under
// ctx, if there is one.
func takePrefetched(ctx context.Context, key string) (string, error, bool) {
	p, _ := ctx.Value(prefetchedKey{}).(*prefetched)
	if p == nil {
		return "", nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	a, found := p.answers[key]
	if found {
		delete(p.answers, key)
	}
	return a.value, a.err, found
}

// dropPrefetched forgets the answers prefetched for keys under ctx: the
// request is about to write them.
func dropPrefetched(ctx context.Context, keys ...string) {
	p, _ := ctx.Value(prefetchedKey{}).(*prefetched)
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range keys {
		delete(p.answers, k)
	}
}
