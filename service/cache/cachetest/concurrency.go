package cachetest

import (
	"errors"
	"strconv"
	"sync"

	"github.com/unionhub/unionhub/service/cache"
)

// workers is how many goroutines race in the concurrency tests.
const workers = 50

func testConcurrentIncr(e *env) {
	k := e.key("k")
	results := make([]int64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { results[i], errs[i] = e.c.Incr(e.ctx, k, e.ttl*20) })
	}
	wg.Wait()
	seen := make(map[int64]bool)
	for i, n := range results {
		if errs[i] != nil {
			e.t.Fatalf("Incr: %v", errs[i])
		}
		if n < 1 || n > workers || seen[n] {
			e.t.Fatalf("Incr returned %d (duplicate or out of 1..%d)", n, workers)
		}
		seen[n] = true
	}
	e.wantValue(k, strconv.Itoa(workers))
}

func testConcurrentSetNX(e *env) {
	k := e.key("k")
	winner := race(e, "SetNX", func(i int) (bool, error) { return e.c.SetNX(e.ctx, k, strconv.Itoa(i), 0) })
	e.wantValue(k, strconv.Itoa(winner))
}

// race runs op in workers goroutines at once and returns the one for
// which it reported true, failing unless exactly one did.
func race(e *env, name string, op func(i int) (bool, error)) int {
	won := make([]bool, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { won[i], errs[i] = op(i) })
	}
	wg.Wait()
	winner := -1
	for i, ok := range won {
		if errs[i] != nil {
			e.t.Fatalf("%s: %v", name, errs[i])
		}
		if !ok {
			continue
		}
		if winner >= 0 {
			e.t.Fatalf("%s won by %d and %d", name, winner, i)
		}
		winner = i
	}
	if winner < 0 {
		e.t.Fatalf("%s won by nobody", name)
	}
	return winner
}

// testConcurrentCompareAndSwap: of workers that all saw the same value,
// exactly one replaces it.
func testConcurrentCompareAndSwap(e *env) {
	k := e.key("k")
	e.set(k, "seen", 0)
	winner := race(e, "CompareAndSwap", func(i int) (bool, error) {
		return e.c.CompareAndSwap(e.ctx, k, "seen", strconv.Itoa(i), 0)
	})
	e.wantValue(k, strconv.Itoa(winner))
}

func testPingClose(e *env) {
	if err := e.c.Ping(e.ctx); err != nil {
		e.t.Fatalf("Ping: %v", err)
	}
	if err := e.c.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	if err := e.c.Ping(e.ctx); !errors.Is(err, cache.ErrUnavailable) {
		e.t.Fatalf("Ping after Close = %v, want ErrUnavailable", err)
	}
	if _, err := e.c.Get(e.ctx, e.key("k")); !errors.Is(err, cache.ErrUnavailable) {
		e.t.Fatalf("Get after Close = %v, want ErrUnavailable", err)
	}
	if _, err := e.c.CompareAndSwap(e.ctx, e.key("k"), "a", "b", 0); !errors.Is(err, cache.ErrUnavailable) {
		e.t.Fatalf("CompareAndSwap after Close = %v, want ErrUnavailable", err)
	}
}
