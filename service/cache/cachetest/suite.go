package cachetest

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// NewFunc returns a fresh Cache for one subtest, and advance, which moves
// that cache's clock forward; advance is nil when the cache runs on real
// time (Redis), and the suite then uses short real TTLs and bounded polling.
// NewFunc is called once per subtest, from parallel subtests; the cache it
// returns is closed by the caller's cleanup, which must tolerate a cache
// the suite has closed already.
type NewFunc func(t *testing.T) (c cache.Cache, advance func(time.Duration))

// Run checks that the caches newCache returns behave as cache.Cache
// promises. Every key it writes starts with a random prefix per subtest.
func Run(t *testing.T, newCache NewFunc) {
	tests := []struct {
		name string
		run  func(e *env)
	}{
		{"GetMiss", testGetMiss},
		{"SetGet", testSetGet},
		{"Overwrite", testOverwrite},
		{"OverwriteClearsExpiry", testOverwriteClearsExpiry},
		{"Delete", testDelete},
		{"Expiry", testExpiry},
		{"NoExpiry", testNoExpiry},
		{"SetNX", testSetNX},
		{"SetNXAfterExpiry", testSetNXAfterExpiry},
		{"CompareAndSwap", testCompareAndSwap},
		{"CompareAndSwapExpiry", testCompareAndSwapExpiry},
		{"Incr", testIncr},
		{"IncrNotInteger", testIncrNotInteger},
		{"IncrKeepsNoExpiry", testIncrKeepsNoExpiry},
		{"IncrExpiryFixedOnCreate", testIncrExpiryFixedOnCreate},
		{"ConcurrentIncr", testConcurrentIncr},
		{"ConcurrentSetNX", testConcurrentSetNX},
		{"ConcurrentCompareAndSwap", testConcurrentCompareAndSwap},
		{"Prefetch", testPrefetch},
		{"PingClose", testPingClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, advance := newCache(t)
			tt.run(newEnv(t, c, advance))
		})
	}
}

func testGetMiss(e *env) {
	e.wantMiss(e.key("missing"))
}

func testSetGet(e *env) {
	for _, v := range []string{"v", "", "张三 {\"a\":1}\n\x00"} {
		k := e.key("k")
		e.set(k, v, 0)
		e.wantValue(k, v)
	}
}

func testOverwrite(e *env) {
	k := e.key("k")
	e.set(k, "a", 0)
	e.set(k, "b", 0)
	e.wantValue(k, "b")
}

// testOverwriteClearsExpiry also guards the go-redis trap where a negative
// expiration means KEEPTTL.
func testOverwriteClearsExpiry(e *env) {
	ttls := []time.Duration{0, -1, -time.Second}
	for i, ttl := range ttls {
		k := e.key(strconv.Itoa(i))
		e.set(k, "a", e.ttl)
		e.set(k, "b", ttl)
	}
	e.sleepPast(e.ttl)
	for i, ttl := range ttls {
		if got, err := e.c.Get(e.ctx, e.key(strconv.Itoa(i))); err != nil || got != "b" {
			e.t.Errorf("after Set with ttl %v: Get = %q, %v; want \"b\" without expiry", ttl, got, err)
		}
	}
}

func testDelete(e *env) {
	k1, k2, keep := e.key("k1"), e.key("k2"), e.key("keep")
	for _, k := range []string{k1, k2, keep} {
		e.set(k, "v", 0)
	}
	steps := [][]string{
		{},
		{e.key("missing")},
		{k1, k2, e.key("missing")},
		{k1},
	}
	for _, keys := range steps {
		if err := e.c.Delete(e.ctx, keys...); err != nil {
			e.t.Fatalf("Delete(%q): %v", keys, err)
		}
	}
	e.wantMiss(k1)
	e.wantMiss(k2)
	e.wantValue(keep, "v")
}

func testExpiry(e *env) {
	k := e.key("k")
	e.set(k, "v", e.ttl)
	if e.advance != nil {
		e.advance(e.ttl - 1)
		e.wantValue(k, "v")
		e.advance(1)
		e.wantMiss(k)
		return
	}
	e.wantValue(k, "v")
	e.waitMiss(k, time.Now().Add(e.ttl))
}

func testNoExpiry(e *env) {
	k := e.key("k")
	e.set(k, "v", 0)
	e.sleepPast(e.ttl)
	if e.advance != nil {
		e.advance(10 * 365 * 24 * time.Hour)
	}
	e.wantValue(k, "v")
}

func testSetNX(e *env) {
	k, taken := e.key("k"), e.key("taken")
	e.set(taken, "old", 0)
	steps := []struct {
		key, value string
		want       bool
	}{
		{k, "first", true},
		{k, "second", false},
		{taken, "new", false},
	}
	for _, s := range steps {
		if got := e.setNX(s.key, s.value, 0); got != s.want {
			e.t.Fatalf("SetNX(%q, %q) = %v, want %v", s.key, s.value, got, s.want)
		}
	}
	e.wantValue(k, "first")
	e.wantValue(taken, "old")
	if err := e.c.Delete(e.ctx, k); err != nil {
		e.t.Fatal(err)
	}
	if !e.setNX(k, "third", 0) {
		e.t.Fatal("SetNX after Delete = false, want true")
	}
	e.wantValue(k, "third")
}

func testSetNXAfterExpiry(e *env) {
	k := e.key("k")
	if !e.setNX(k, "a", e.ttl) {
		e.t.Fatal("first SetNX = false")
	}
	e.expire(k)
	if !e.setNX(k, "b", 0) {
		e.t.Fatal("SetNX after expiry = false, want true")
	}
	e.wantValue(k, "b")
}

func testCompareAndSwap(e *env) {
	k, missing := e.key("k"), e.key("missing")
	e.set(k, "a", 0)
	steps := []struct {
		key, old, value string
		want            bool
		after           string // the key's value after the step; "" = missing
	}{
		{k, "b", "c", false, "a"},     // holds something else
		{k, "a", "b", true, "b"},      // holds old
		{k, "a", "c", false, "b"},     // old is gone: a later write is kept
		{k, "b", "", true, ""},        // the empty value is a value
		{k, "", "d", true, "d"},       // and can be compared
		{missing, "", "x", false, ""}, // a missing key is not the empty value
		{missing, "-", "x", false, ""},
	}
	for _, s := range steps {
		ok, err := e.c.CompareAndSwap(e.ctx, s.key, s.old, s.value, 0)
		if err != nil {
			e.t.Fatalf("CompareAndSwap(%q, %q, %q): %v", s.key, s.old, s.value, err)
		}
		if ok != s.want {
			e.t.Fatalf("CompareAndSwap(%q, %q, %q) = %v, want %v", s.key, s.old, s.value, ok, s.want)
		}
		if s.key == missing {
			e.wantMiss(missing)
			continue
		}
		e.wantValue(s.key, s.after)
	}
}

// testCompareAndSwapExpiry: a swap sets the new ttl, and an expired key
// holds nothing to compare.
func testCompareAndSwapExpiry(e *env) {
	k := e.key("k")
	e.set(k, "a", 0)
	if ok, err := e.c.CompareAndSwap(e.ctx, k, "a", "b", e.ttl); err != nil || !ok {
		e.t.Fatalf("CompareAndSwap = %v, %v; want true", ok, err)
	}
	e.expire(k)
	if ok, err := e.c.CompareAndSwap(e.ctx, k, "b", "c", 0); err != nil || ok {
		e.t.Fatalf("CompareAndSwap of an expired key = %v, %v; want false", ok, err)
	}
	e.wantMiss(k)
}

func testIncr(e *env) {
	k := e.key("k")
	for want := int64(1); want <= 5; want++ {
		if got := e.incr(k, 0); got != want {
			e.t.Fatalf("Incr #%d = %d", want, got)
		}
	}
	e.wantValue(k, "5")

	set := e.key("set")
	e.set(set, "41", 0)
	if got := e.incr(set, e.ttl); got != 42 {
		e.t.Fatalf("Incr after Set 41 = %d, want 42", got)
	}
}

func testIncrNotInteger(e *env) {
	k := e.key("k")
	e.set(k, "abc", 0)
	_, err := e.c.Incr(e.ctx, k, 0)
	if err == nil || errors.Is(err, cache.ErrUnavailable) || errors.Is(err, cache.ErrMiss) {
		e.t.Fatalf("Incr of a non-integer: err = %v, want a plain error", err)
	}
}

// testIncrKeepsNoExpiry: Incr sets the ttl only on a key it creates, not on
// one that exists without an expiry, even when the result is 1.
func testIncrKeepsNoExpiry(e *env) {
	k := e.key("k")
	e.set(k, "0", 0)
	if got := e.incr(k, e.ttl); got != 1 {
		e.t.Fatalf("Incr after Set 0 = %d, want 1", got)
	}
	e.sleepPast(e.ttl)
	e.wantValue(k, "1")
}

// testIncrExpiryFixedOnCreate checks the fixed window: the ttl of the first
// Incr holds, later Incrs with longer ttls do not extend it.
func testIncrExpiryFixedOnCreate(e *env) {
	k := e.key("k")
	start := time.Now()
	if got := e.incr(k, e.ttl); got != 1 {
		e.t.Fatalf("first Incr = %d", got)
	}
	e.sleep(e.ttl / 2)
	if got := e.incr(k, 20*e.ttl); got != 2 {
		e.t.Fatalf("second Incr = %d, want 2", got)
	}
	if e.advance != nil {
		e.advance(e.ttl/2 - 1)
		e.wantValue(k, "2")
		e.advance(1)
		e.wantMiss(k)
	} else {
		// Not extended: gone near start+ttl; extended: not before start+10ttl.
		e.waitMiss(k, start.Add(e.ttl))
	}
	if got := e.incr(k, e.ttl); got != 1 {
		e.t.Fatalf("Incr after expiry = %d, want 1", got)
	}
}

// testPrefetch checks what holds on every backend: a prefetched key reads
// as it was written, a miss stays a miss, and a write of a key under the
// prefetching context is seen by the next Get there (read your writes),
// as is a write from elsewhere once the prefetched answer was used.
// Redis's own test checks that the answers really come from the one read.
func testPrefetch(e *env) {
	a, b, c, d, n := e.key("a"), e.key("b"), e.key("c"), e.key("d"), e.key("n")
	e.set(a, "1", 0)
	e.set(b, "2", 0)
	e.set(d, "4", 0)
	pctx := e.c.Prefetch(e.ctx, a, b, c, d, n)
	get := func(key, want string) {
		e.t.Helper()
		got, err := e.c.Get(pctx, key)
		if want == "" && !errors.Is(err, cache.ErrMiss) || want != "" && (err != nil || got != want) {
			e.t.Fatalf("Get(%q) after Prefetch = %q, %v; want %q (empty: a miss)", key, got, err, want)
		}
	}
	get(a, "1")
	get(c, "")
	if err := e.c.Set(pctx, b, "3", 0); err != nil {
		e.t.Fatal(err)
	}
	get(b, "3")
	if ok, err := e.c.SetNX(pctx, n, "x", 0); err != nil || !ok {
		e.t.Fatalf("SetNX of a prefetched miss = %v, %v", ok, err)
	}
	get(n, "x")
	if err := e.c.Delete(pctx, d); err != nil {
		e.t.Fatal(err)
	}
	get(d, "")
	e.set(a, "9", 0) // from elsewhere, after the answer was used
	get(a, "9")
	if got := e.c.Prefetch(e.ctx); got == nil {
		e.t.Fatal("Prefetch of no keys returned a nil context")
	}

	_ = e.c.Close()
	pctx = e.c.Prefetch(e.ctx, a, b)
	if _, err := e.c.Get(pctx, a); !errors.Is(err, cache.ErrUnavailable) {
		e.t.Fatalf("Get after Prefetch on a closed cache = %v, want ErrUnavailable", err)
	}
}
