package cache_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestCluster runs the conformance suite on a three-master Redis Cluster:
// every operation of the Cache must work when keys live on different nodes.
func TestCluster(t *testing.T) {
	cachetest.ClusterAddr(t) // skips without redis-server
	cachetest.Run(t, func(t *testing.T) (cache.Cache, func(time.Duration)) {
		return cachetest.Cluster(t), nil
	})
}

// TestClusterDeleteAcrossSlots checks that the cluster really refuses a
// multi-key command across slots, and that Delete of such keys (and a
// prefixed cache's Delete) still works: one DEL per key.
func TestClusterDeleteAcrossSlots(t *testing.T) {
	addr := cachetest.ClusterAddr(t)
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addr, ",")})
	t.Cleanup(func() { _ = client.Close() })
	ctx := t.Context()
	p := cachetest.Prefix()
	a, b := p+"a", p+"b"
	for keySlot(t, client, a) == keySlot(t, client, b) {
		b += "x"
	}
	// A raw multi-key DEL fails on the node (go-redis sends it to a's slot).
	node, err := client.MasterForKey(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := node.Del(ctx, a, b).Err(); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("DEL across slots = %v, want CROSSSLOT: the test would prove nothing", err)
	}

	c := cachetest.Cluster(t)
	for _, cc := range []cache.Cache{c, cache.WithPrefix(c, p)} {
		for _, k := range []string{a, b} {
			if err := cc.Set(ctx, k, "v", time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := cc.Delete(ctx, a, b); err != nil {
			t.Fatalf("Delete across slots: %v", err)
		}
		for _, k := range []string{a, b} {
			if _, err := cc.Get(ctx, k); err != cache.ErrMiss {
				t.Errorf("Get(%q) after Delete = %v, want ErrMiss", k, err)
			}
		}
	}
}

// keySlot asks the cluster which slot key hashes to.
func keySlot(t *testing.T, c *redis.ClusterClient, key string) int64 {
	t.Helper()
	s, err := c.ClusterKeySlot(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
