package cache_test

import (
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestNearCopiesGoWithRedis: a node whose Redis goes away stops answering
// from its copies, and after Redis comes back empty none of the old
// copies answers.
func TestNearCopiesGoWithRedis(t *testing.T) {
	srv := cachetest.StartServer(t) // skips without redis-server
	client, err := cache.NewUniversalClient(srv.Addr, cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := cache.NewRedisNear(client, cache.NearOptions{Keys: func(string) bool { return true }})
	defer c.Close()
	raw, err := cache.NewUniversalClient(srv.Addr, cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := t.Context()

	// Until a copy answers: a write behind the cache's back goes unseen.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := raw.Set(ctx, "k", "old", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		_, _ = c.Get(ctx, "k")
		if err := raw.Set(ctx, "k", "behind", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.Get(ctx, "k"); v == "old" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no copy answered within 10s")
		}
	}

	srv.Stop()
	deadline = time.Now().Add(5 * time.Second)
	for {
		_, err := c.Get(ctx, "k")
		if errors.Is(err, cache.ErrUnavailable) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Get with Redis stopped for 5s: %v; want ErrUnavailable, not the copy", err)
		}
		time.Sleep(time.Millisecond) // the lease runs on real time; nothing to inject
	}

	srv.Start() // empty
	deadline = time.Now().Add(10 * time.Second)
	for {
		v, err := c.Get(ctx, "k")
		if errors.Is(err, cache.ErrMiss) {
			return
		}
		if err == nil {
			t.Fatalf("Get after Redis came back empty = %q; want a miss", v)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Get 10s after Redis came back: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
