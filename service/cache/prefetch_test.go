package cache_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestRedisPrefetch checks on a Redis server (one MGET) and on a
// three-master Redis Cluster (keys on different nodes: one pipeline) that
// Prefetch reads every key in one round trip and that the Gets under its
// context answer from that read:
// values changed after it are seen only once the prefetched answer is used.
func TestRedisPrefetch(t *testing.T) {
	for _, tt := range redisKinds {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := tt.client(t)
			var single, mgets, pipelines atomic.Int64
			client.AddHook(countingHook{single: &single, mgets: &mgets, pipelines: &pipelines})
			c := cache.NewRedis(client)
			t.Cleanup(func() { _ = c.Close() })
			ctx := t.Context()
			p := cachetest.Prefix()
			keys := []string{"{m:1}:card" + p, "{u:2}:roles" + p, "sess:3" + p, "{m:4}:card" + p}
			t.Cleanup(func() { _ = c.Delete(context.Background(), keys...) })
			for i, k := range keys[:3] {
				if err := c.Set(ctx, k, "old"+string(rune('0'+i)), time.Minute); err != nil {
					t.Fatal(err)
				}
			}

			single.Store(0)
			pipelines.Store(0)
			pctx := c.Prefetch(ctx, keys...)
			// A cluster client runs its hooks for the whole pipeline and
			// again for each node's part of it.
			n, mg, pl := single.Load(), mgets.Load(), pipelines.Load()
			if tt.name == "server" && (n != 0 || mg != 1 || pl > 1) || tt.name == "cluster" && (n != 0 || mg != 0 || pl < 1) {
				t.Fatalf("Prefetch sent %d GETs, %d MGETs and %d pipelines of GETs", n, mg, pl)
			}
			for i, k := range keys[:3] { // changed by someone else meanwhile
				if err := c.Set(ctx, k, "new"+string(rune('0'+i)), time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			single.Store(0)
			for i, k := range keys[:3] {
				if v, err := c.Get(pctx, k); err != nil || v != "old"+string(rune('0'+i)) {
					t.Errorf("first Get(%s) = %q, %v; want the prefetched value", k, v, err)
				}
			}
			if _, err := c.Get(pctx, keys[3]); !errors.Is(err, cache.ErrMiss) {
				t.Errorf("first Get of a prefetched miss = %v, want ErrMiss", err)
			}
			if n := single.Load(); n != 0 {
				t.Errorf("the Gets of prefetched keys sent %d commands, want none", n)
			}
			for i, k := range keys[:3] {
				if v, err := c.Get(pctx, k); err != nil || v != "new"+string(rune('0'+i)) {
					t.Errorf("second Get(%s) = %q, %v; want the current value", k, v, err)
				}
			}
			if n := single.Load(); n != 3 {
				t.Errorf("second Gets sent %d commands, want 3", n)
			}
		})
	}
}

// countingHook counts the single GETs, the MGETs (alone or in a pipeline)
// and the pipelines of GETs or MGETs a client sends.
type countingHook struct{ single, mgets, pipelines *atomic.Int64 }

func (countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		switch cmd.Name() {
		case "get":
			h.single.Add(1)
		case "mget":
			h.mgets.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && (cmds[0].Name() == "get" || cmds[0].Name() == "mget") { // not a connection's handshake
			h.pipelines.Add(1)
		}
		for _, cmd := range cmds {
			if cmd.Name() == "mget" {
				h.mgets.Add(1)
			}
		}
		return next(ctx, cmds)
	}
}

// TestRedisPrefetchConcurrent has many requests prefetch at once, as a busy
// node's do (their reads go out together, coalesce.go), and checks that
// each gets the answers to its own keys: values, misses, and none of
// another's. Run it with -race.
func TestRedisPrefetchConcurrent(t *testing.T) {
	for _, tt := range redisKinds {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := tt.client(t)
			c := cache.NewRedis(client)
			t.Cleanup(func() { _ = c.Close() })
			ctx := t.Context()
			p := cachetest.Prefix()
			const requests = 200
			key := func(i, j int) string { return fmt.Sprintf("{r:%d}:%s%d", i, p, j) }
			for i := range requests {
				if err := c.Set(ctx, key(i, 0), fmt.Sprint("session", i), time.Minute); err != nil {
					t.Fatal(err)
				}
				if i%3 != 0 { // every third request's second key is missing
					if err := c.Set(ctx, key(i, 1), fmt.Sprint("card", i), time.Minute); err != nil {
						t.Fatal(err)
					}
				}
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range requests {
				wg.Go(func() {
					<-start
					pctx := c.Prefetch(ctx, key(i, 0), key(i, 1))
					if err := c.Delete(ctx, key(i, 0), key(i, 1)); err != nil { // under ctx: the answers stay
						t.Error(err)
						return
					}
					if v, err := c.Get(pctx, key(i, 0)); err != nil || v != fmt.Sprint("session", i) {
						t.Errorf("request %d: Get(session) = %q, %v", i, v, err)
					}
					v, err := c.Get(pctx, key(i, 1))
					switch {
					case i%3 == 0 && !errors.Is(err, cache.ErrMiss):
						t.Errorf("request %d: Get(missing card) = %q, %v; want ErrMiss", i, v, err)
					case i%3 != 0 && (err != nil || v != fmt.Sprint("card", i)):
						t.Errorf("request %d: Get(card) = %q, %v", i, v, err)
					}
				})
			}
			close(start)
			wg.Wait()
		})
	}
}

// redisKinds are the Redis deployments the Prefetch tests run on: a
// server and a three-master cluster (skipped when the environment has
// neither).
var redisKinds = []struct {
	name   string
	client func(t *testing.T) redis.UniversalClient
}{
	{"server", func(t *testing.T) redis.UniversalClient {
		cachetest.Redis(t) // skips without a Redis
		return newClient(t, redisAddr(t))
	}},
	{"cluster", func(t *testing.T) redis.UniversalClient { return newClient(t, cachetest.ClusterAddr(t)) }},
}

func newClient(t *testing.T, addr string) redis.UniversalClient {
	t.Helper()
	client, err := cache.NewUniversalClient(addr, cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return client
}
