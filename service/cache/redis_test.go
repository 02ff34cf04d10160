package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

func TestRedis(t *testing.T) {
	cachetest.Redis(t) // skips without a Redis
	cachetest.Run(t, func(t *testing.T) (cache.Cache, func(time.Duration)) {
		return cachetest.Redis(t), nil
	})
}

// TestRedisIncrExpiry reads the expiry Incr leaves in Redis: set once, by
// the call that creates the key, never by later calls, and never on a key
// that existed before without one.
func TestRedisIncrExpiry(t *testing.T) {
	c := cachetest.Redis(t) // skips without a Redis
	client, err := cache.NewUniversalClient(redisAddr(t), cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	ctx := t.Context()
	p := cachetest.Prefix()
	t.Cleanup(func() { _ = c.Delete(context.Background(), p+"w", p+"plain") })

	if _, err := c.Incr(ctx, p+"w", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Incr(ctx, p+"w", time.Hour); err != nil {
		t.Fatal(err)
	}
	if ttl := client.PTTL(ctx, p+"w").Val(); ttl <= 50*time.Second || ttl > time.Minute {
		t.Errorf("PTTL after Incr(1m), Incr(1h) = %v, want about 1m", ttl)
	}

	if err := c.Set(ctx, p+"plain", "0", 0); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Incr(ctx, p+"plain", time.Minute); err != nil || n != 1 {
		t.Fatalf("Incr = %d, %v", n, err)
	}
	if ttl := client.PTTL(ctx, p+"plain").Val(); ttl != -1 {
		t.Errorf("PTTL of an existing key after Incr = %v, want none (-1)", ttl)
	}
}

// TestRedisUnreachable checks that a Redis nobody listens on fails fast
// with ErrUnavailable, keeping the cause.
func TestRedisUnreachable(t *testing.T) {
	client, err := cache.NewUniversalClient("127.0.0.1:1", cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := cache.NewRedis(client)
	defer r.Close()

	ops := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", func(ctx context.Context) error { return r.Ping(ctx) }},
		{"Get", func(ctx context.Context) error { _, err := r.Get(ctx, "k"); return err }},
		{"Set", func(ctx context.Context) error { return r.Set(ctx, "k", "v", time.Second) }},
		{"Delete", func(ctx context.Context) error { return r.Delete(ctx, "a", "b") }},
		{"SetNX", func(ctx context.Context) error { _, err := r.SetNX(ctx, "k", "v", time.Second); return err }},
		{"Incr", func(ctx context.Context) error { _, err := r.Incr(ctx, "k", time.Second); return err }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			start := time.Now()
			err := op.call(ctx)
			if !errors.Is(err, cache.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			var netErr interface{ Timeout() bool }
			if !errors.As(err, &netErr) {
				t.Errorf("err = %v: the network cause is lost", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v, want a quick failure", d)
			}
		})
	}

	t.Run("Open", func(t *testing.T) {
		start := time.Now()
		if _, err := cache.Open(t.Context(), "127.0.0.1:1", cache.OpenOptions{}); !errors.Is(err, cache.ErrUnavailable) {
			t.Errorf("Open = %v, want ErrUnavailable", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v, want a quick failure", d)
		}
	})
}
