package cache

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// nearNode is one node's cache on the test Redis, copying the keys under
// prefix.
func nearNode(t *testing.T, prefix string) *Redis {
	t.Helper()
	addr := os.Getenv("UNIONHUB_TEST_REDIS_ADDR") // cachetest.RedisAddrEnv (cachetest imports this package)
	if addr == "" {
		t.Skip("UNIONHUB_TEST_REDIS_ADDR is not set")
	}
	client, err := NewUniversalClient(addr, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRedisNear(client, NearOptions{Keys: func(k string) bool { return strings.HasPrefix(k, prefix) }})
	t.Cleanup(func() { _ = r.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for !r.near.leased() {
		if time.Now().After(deadline) {
			t.Fatal("the near cache holds no lease after 10s")
		}
		time.Sleep(time.Millisecond) // the subscription is confirmed by Redis, not by a clock
	}
	return r
}

// rawClient writes behind the caches' backs: no PUBLISH.
func rawClient(t *testing.T) redis.UniversalClient {
	t.Helper()
	client, err := NewUniversalClient(os.Getenv("UNIONHUB_TEST_REDIS_ADDR"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// holdCopy writes v under k through w and reads it through r twice: the
// first read keeps a copy, the second answers from it.
func holdCopy(t *testing.T, w, r *Redis, k, v string) {
	t.Helper()
	if err := w.Set(t.Context(), k, v, time.Minute); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, err := r.Get(t.Context(), k); err != nil || got != v {
			t.Fatalf("Get = %q, %v; want %q", got, err, v)
		}
	}
}

func nearPrefix() string { return "test:" + rand.Text()[:12] + ":near:" }

// TestNearCopies shows that a node answers from its copy (a write behind
// the caches' backs goes unseen), and that every write through another
// node's cache is seen by this node as soon as that write has returned.
func TestNearCopies(t *testing.T) {
	p := nearPrefix()
	a, b := nearNode(t, p), nearNode(t, p)
	raw := rawClient(t)
	ctx := t.Context()
	tests := []struct {
		name  string
		write func(key string) error
		want  string // "" is a miss
	}{
		{"Set", func(k string) error { return b.Set(ctx, k, "new", time.Minute) }, "new"},
		{"Delete", func(k string) error { return b.Delete(ctx, k, p+"other") }, ""},
		{"CompareAndSwap", func(k string) error {
			ok, err := b.CompareAndSwap(ctx, k, "old", "swapped", time.Minute)
			if err == nil && !ok {
				err = errors.New("not swapped")
			}
			return err
		}, "swapped"},
		{"Incr", func(k string) error {
			if err := raw.Set(ctx, k, "41", time.Minute).Err(); err != nil {
				return err
			}
			_, err := b.Incr(ctx, k, time.Minute)
			return err
		}, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := p + tt.name
			holdCopy(t, b, a, k, "old")
			if err := raw.Set(ctx, k, "unpublished", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if v, _ := a.Get(ctx, k); v != "old" {
				t.Fatalf("Get after a write nobody published = %q; want the copy, old", v)
			}
			if err := raw.Set(ctx, k, "old", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if err := tt.write(k); err != nil {
				t.Fatal(err)
			}
			v, err := a.Get(ctx, k)
			if tt.want == "" {
				if !errors.Is(err, ErrMiss) {
					t.Fatalf("Get after %s on the other node = %q, %v; want a miss", tt.name, v, err)
				}
				return
			}
			if err != nil || v != tt.want {
				t.Fatalf("Get after %s on the other node = %q, %v; want %q", tt.name, v, err, tt.want)
			}
		})
	}
}

// TestNearSetNXPublishes: a SetNX that sets a key another node still has
// a copy of (the key went behind the caches' backs, as at a Redis
// restart) drops that copy through its message. It does not wait for it
// (near.go), so the other node is given a moment, well short of the
// copy's own life.
func TestNearSetNXPublishes(t *testing.T) {
	p := nearPrefix()
	a, b := nearNode(t, p), nearNode(t, p)
	raw := rawClient(t)
	ctx := t.Context()
	k := p + "k"
	holdCopy(t, b, a, k, "old")
	if err := raw.Del(ctx, k).Err(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.SetNX(ctx, k, "filled", time.Minute); err != nil || !ok {
		t.Fatalf("SetNX = %v, %v", ok, err)
	}
	deadline := time.Now().Add(nearTTL / 4)
	for {
		v, err := a.Get(ctx, k)
		if err == nil && v == "filled" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Get %v after the SetNX = %q, %v; want filled", nearTTL/4, v, err)
		}
		time.Sleep(time.Millisecond) // the message's delivery, not a clock
	}
}

// TestNearLaggingNodeStopsUsingCopies: a node that has not yet handled the
// message of a write (its subscription held up) has lost its lease by the
// time the write returns, so it reads Redis instead of its copy.
func TestNearLaggingNodeStopsUsingCopies(t *testing.T) {
	p := nearPrefix()
	a, b := nearNode(t, p), nearNode(t, p)
	ctx := t.Context()
	k := p + "k"
	holdCopy(t, b, a, k, "old")
	hold := make(chan struct{})
	a.near.hold.Store(&hold)
	defer close(hold)
	if err := b.Set(ctx, k, "new", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := a.Get(ctx, k); err != nil || v != "new" {
		t.Fatalf("Get on a node behind with its messages = %q, %v; want new (from Redis)", v, err)
	}
	if a.near.leased() {
		t.Fatal("a node behind with its messages still holds a lease")
	}
}

// TestNearCopyNeverOutlivesItsKey: a copy expires with its key in Redis,
// so that a SetNX on a missing key (which does not wait) has no copy to
// overtake.
func TestNearCopyNeverOutlivesItsKey(t *testing.T) {
	p := nearPrefix()
	a := nearNode(t, p)
	ctx := t.Context()
	k := p + "short"
	const ttl = 200 * time.Millisecond
	dctx := WithDebt(ctx)
	if err := a.Set(dctx, k, "v", ttl); err != nil {
		t.Fatal(err)
	}
	set := a.near.clock() // Redis set the key before this: it expires before set + ttl
	Pay(dctx)             // this node's own message has come back
	if v, err := a.Get(ctx, k); err != nil || v != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	a.near.mu.RLock()
	e, ok := a.near.entries[k]
	a.near.mu.RUnlock()
	if !ok {
		t.Fatal("no copy kept")
	}
	if over := time.Duration(e.expires - set - int64(ttl)); over > time.Millisecond {
		t.Fatalf("copy outlives its key by %v", over)
	}
	if err := a.Set(ctx, p+"forever", "v", 0); err != nil {
		t.Fatal(err)
	}
	_, _ = a.Get(ctx, p+"forever")
	a.near.mu.RLock()
	e = a.near.entries[p+"forever"]
	a.near.mu.RUnlock()
	if life := time.Duration(e.expires - a.near.clock()); life <= 0 || life > nearTTL {
		t.Fatalf("copy of a key without expiry lives %v, want up to %v", life, nearTTL)
	}
}

// TestNearNoOldValueAfterWrite races readers on one node (Get and
// Prefetch) against a writer on another: once a write has returned, no
// read that starts later on either node answers with an older value.
// Run with -race.
func TestNearNoOldValueAfterWrite(t *testing.T) {
	p := nearPrefix()
	a, b := nearNode(t, p), nearNode(t, p)
	ctx := t.Context()
	k := p + "version"
	if err := b.Set(ctx, k, "0", time.Minute); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var stale atomic.Int64
	read := func(c *Redis, prefetch bool) {
		for {
			select {
			case <-stop:
				return
			default:
			}
			floor := written.Load()
			rctx := ctx
			if prefetch {
				rctx = c.Prefetch(ctx, k, p+"other")
			}
			v, err := c.Get(rctx, k)
			if err != nil {
				t.Error(err)
				return
			}
			if n, _ := strconv.ParseInt(v, 10, 64); n < floor {
				stale.Add(1)
				t.Errorf("read %d after write %d had returned", n, floor)
				return
			}
		}
	}
	for _, c := range []*Redis{a, b} {
		for _, prefetch := range []bool{false, true} {
			wg.Go(func() { read(c, prefetch) })
		}
	}
	for i := int64(1); i <= 40 && stale.Load() == 0; i++ {
		if err := b.Set(ctx, k, strconv.FormatInt(i, 10), time.Minute); err != nil {
			t.Fatal(err)
		}
		written.Store(i)
	}
	close(stop)
	wg.Wait()
}

// TestNearDebt: under WithDebt a write of a copied key leaves its wait to
// Pay; a SetNX, or a key nobody copies, owes nothing.
func TestNearDebt(t *testing.T) {
	p := nearPrefix()
	a := nearNode(t, p)
	tests := []struct {
		name  string
		write func(ctx context.Context) error
		owes  bool
	}{
		{"Set", func(ctx context.Context) error { return a.Set(ctx, p+"k", "v", time.Minute) }, true},
		{"Delete", func(ctx context.Context) error { return a.Delete(ctx, p+"k") }, true},
		{"SetNX", func(ctx context.Context) error { _, err := a.SetNX(ctx, p+"k", "v", time.Minute); return err }, false},
		{"not copied", func(ctx context.Context) error { return a.Set(ctx, "test:elsewhere:"+p, "v", time.Second) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := WithDebt(t.Context())
			before := debtClock()
			if err := tt.write(ctx); err != nil {
				t.Fatal(err)
			}
			until := ctx.Value(debtKey{}).(*debt).until.Load()
			if owes := until > before; owes != tt.owes {
				t.Fatalf("owes = %v (until %d, write at %d), want %v", owes, until, before, tt.owes)
			}
			if tt.owes {
				Pay(ctx)
				if now := debtClock(); now < until {
					t.Fatalf("Pay returned at %d, before the debt's end %d", now, until)
				}
			}
		})
	}
}

// TestNearNoCopies: a node told to keep no copies answers from Redis
// every time, and still publishes and waits for its writes (other nodes
// may keep copies).
func TestNearNoCopies(t *testing.T) {
	p := nearPrefix()
	peer := nearNode(t, p) // keeps copies
	client, err := NewUniversalClient(os.Getenv("UNIONHUB_TEST_REDIS_ADDR"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := NewRedisNear(client, NearOptions{Keys: func(k string) bool { return strings.HasPrefix(k, p) }, NoCopies: true})
	t.Cleanup(func() { _ = a.Close() })
	raw := rawClient(t)
	ctx := t.Context()
	k := p + "k"
	holdCopy(t, a, peer, k, "old")
	_, _ = a.Get(ctx, k) // would keep a copy if it kept any
	if err := raw.Set(ctx, k, "behind", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Get(ctx, k); v != "behind" {
		t.Fatalf("Get without copies = %q; want what Redis holds", v)
	}
	dctx := WithDebt(ctx)
	if err := a.Set(dctx, k, "new", time.Minute); err != nil {
		t.Fatal(err)
	}
	if dctx.Value(debtKey{}).(*debt).until.Load() == 0 {
		t.Fatal("a write without copies owes no wait; nodes with copies need it")
	}
	Pay(dctx)
	if v, _ := peer.Get(ctx, k); v != "new" {
		t.Fatalf("peer Get after the write = %q; want new", v)
	}
}

// TestNearBounds covers the copies' own rules without Redis: a bounded
// number of them, none of a key that is missing, none kept by a read that
// a drop overtook.
func TestNearBounds(t *testing.T) {
	n := &near{keys: func(string) bool { return true }, epoch: time.Now(), entries: map[string]nearEntry{}}
	n.subscribed.Store(true)
	g := n.begin()
	for i := range nearMaxEntries + 10 {
		n.keep("k"+strconv.Itoa(i), "v", -1, g)
	}
	if len(n.entries) == 0 || len(n.entries) > nearMaxEntries {
		t.Fatalf("%d copies kept, want some and at most the bound %d", len(n.entries), nearMaxEntries)
	}
	n.dropAll()
	n.keep("missing", "v", -2, n.begin())
	n.keep("expiring", "v", 0, n.begin())
	if len(n.entries) != 0 {
		t.Fatalf("copies of keys without life: %v", n.entries)
	}
	g = n.begin()
	n.drop("other")
	n.keep("k", "v", -1, g)
	if _, ok := n.entries["k"]; ok {
		t.Fatal("a read overtaken by a drop kept its copy")
	}
	n.subscribed.Store(false)
	n.keep("k", "v", -1, n.begin())
	if _, ok := n.entries["k"]; ok {
		t.Fatal("a copy kept without a subscription")
	}
}

// TestNearNotOnCluster: a cluster keeps no copies (near.go says why).
func TestNearNotOnCluster(t *testing.T) {
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	defer client.Close()
	if n := newNear(client, NearOptions{Keys: func(string) bool { return true }}); n != nil {
		n.close()
		t.Fatal("a cluster client keeps copies")
	}
}
