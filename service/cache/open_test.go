package cache_test

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

func TestNewUniversalClient(t *testing.T) {
	tests := []struct {
		name        string
		addr        string
		db          int
		wantCluster bool
		wantErr     bool
	}{
		{"single", "127.0.0.1:6379", 0, false, false},
		{"single with db", " 127.0.0.1:6379 ", 3, false, false},
		{"cluster", "10.0.0.1:7000, 10.0.0.2:7000,10.0.0.3:7000", 0, true, false},
		{"one seed with comma", "10.0.0.1:7000,", 0, true, false},
		{"cluster with db", "10.0.0.1:7000,10.0.0.2:7000", 1, false, true},
		{"empty", "", 0, false, true},
		{"only commas", " , ", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cache.NewUniversalClient(tt.addr, cache.OpenOptions{DB: tt.db})
			if tt.wantErr {
				if err == nil {
					c.Close()
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			switch c.(type) {
			case *redis.ClusterClient:
				if !tt.wantCluster {
					t.Error("got a cluster client, want a plain one")
				}
			case *redis.Client:
				if tt.wantCluster {
					t.Error("got a plain client, want a cluster one")
				}
			default:
				t.Errorf("got %T", c)
			}
		})
	}
}

func TestOpenEmptyIsMemory(t *testing.T) {
	c, err := cache.Open(t.Context(), " ", cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*cache.Memory); !ok {
		t.Fatalf("Open(\"\") = %T, want *cache.Memory", c)
	}
}

func TestOpenRedis(t *testing.T) {
	cachetest.Redis(t)
	c, err := cache.Open(t.Context(), redisAddr(t), cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*cache.Redis); !ok {
		t.Fatalf("Open = %T, want *cache.Redis", c)
	}
}

func redisAddr(t *testing.T) string {
	t.Helper()
	return os.Getenv(cachetest.RedisAddrEnv)
}
