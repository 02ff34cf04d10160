// Package cachetest holds what tests of cache.Cache implementations and of
// their users share: the conformance suite Run, and access to the Redis that
// the test environment names.
package cachetest

import (
	"context"
	"crypto/rand"
	"os"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// RedisAddrEnv names the environment variable that points tests at a Redis
// ("127.0.0.1:6379", or a comma-separated cluster). Tests that need Redis
// skip when it is empty.
const RedisAddrEnv = "UNIONHUB_TEST_REDIS_ADDR"

// Redis returns a Cache on the Redis named by RedisAddrEnv, closed when the
// test ends, or skips the test when the variable is empty. Keys written
// through it should start with Prefix(): other test runs share the server.
func Redis(t testing.TB) *cache.Redis {
	t.Helper()
	return RedisNear(t, cache.NearOptions{})
}

// RedisNear is Redis keeping node-local copies of the keys opts names.
func RedisNear(t testing.TB, opts cache.NearOptions) *cache.Redis {
	t.Helper()
	addr := os.Getenv(RedisAddrEnv)
	if addr == "" {
		t.Skip(RedisAddrEnv + " is not set; set it (e.g. 127.0.0.1:6379) to run against Redis")
	}
	client, err := cache.NewUniversalClient(addr, cache.OpenOptions{})
	if err != nil {
		t.Fatalf("%s=%q: %v", RedisAddrEnv, addr, err)
	}
	r := cache.NewRedisNear(client, opts)
	t.Cleanup(func() { _ = r.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		t.Fatalf("%s=%q: %v", RedisAddrEnv, addr, err)
	}
	return r
}

// Prefix returns a random key prefix for one test, so that tests running in
// parallel, or in other processes against the same Redis, never share a key.
func Prefix() string {
	return "test:" + rand.Text()[:12] + ":"
}
