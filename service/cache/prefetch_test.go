package cache_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestRedisPrefetch checks on a Redis server and on a three-master Redis
// Cluster (keys on different nodes) that Prefetch reads every key in one
// pipeline and that the Gets under its context answer from that read:
// values changed after it are seen only once the prefetched answer is used.
func TestRedisPrefetch(t *testing.T) {
	tests := []struct {
		name string
		addr func(t *testing.T) string
	}{
		{"server", func(t *testing.T) string {
			cachetest.Redis(t) // skips without a Redis
			return redisAddr(t)
		}},
		{"cluster", func(t *testing.T) string { return cachetest.ClusterAddr(t) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, err := cache.NewUniversalClient(tt.addr(t), cache.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var single, pipelines atomic.Int64
			client.AddHook(countingHook{single: &single, pipelines: &pipelines})
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
			if n, m := single.Load(), pipelines.Load(); n != 0 || m < 1 || tt.name == "server" && m != 1 {
				t.Fatalf("Prefetch sent %d GETs and %d pipelines, want one pipeline", n, m)
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

// countingHook counts the single GETs and the pipelines a client sends.
type countingHook struct{ single, pipelines *atomic.Int64 }

func (countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "get" {
			h.single.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "get" { // not a connection's handshake
			h.pipelines.Add(1)
		}
		return next(ctx, cmds)
	}
}
