package cache

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Timeouts and retries of the Redis client: a cache that does not answer
// quickly is treated as unavailable rather than holding requests up (the
// go-redis defaults retry a refused dial for seconds). One command retry
// covers a pooled connection that a Redis restart has closed; more would
// also repeat SetNX and Incr that may have run already.
const (
	dialTimeout   = 2 * time.Second
	dialRetries   = 2
	dialRetryWait = 50 * time.Millisecond
	readTimeout   = time.Second
	writeTimeout  = time.Second
	maxRetries    = 1
)

// OpenOptions are the settings Open needs besides the address.
type OpenOptions struct {
	// Password authenticates to Redis (empty: none).
	Password string
	// DB selects a database on a single Redis; a cluster has only DB 0.
	DB int
	// PoolSize is the number of connections per Redis node; 0 means 10 per
	// CPU and at least 32.
	PoolSize int
	// Now is the clock of the in-process cache; nil means time.Now.
	Now func() time.Time
	// Near names the keys each node keeps copies of (near.go); Redis
	// only, and not on a cluster.
	Near NearOptions
}

// Open returns the cache that addr names: the in-process Memory when addr is
// empty, otherwise Redis as NewUniversalClient reads addr. It pings Redis so
// that a wrong address fails at start-up; that error matches ErrUnavailable.
func Open(ctx context.Context, addr string, opts OpenOptions) (Cache, error) {
	if strings.TrimSpace(addr) == "" {
		return NewMemory(opts.Now), nil
	}
	client, err := NewUniversalClient(addr, opts)
	if err != nil {
		return nil, err
	}
	r := NewRedisNear(client, opts.Near)
	if err := r.Ping(ctx); err != nil {
		_ = r.Close() // the ping error says what went wrong
		return nil, err
	}
	return r, nil
}

// NewUniversalClient returns a Redis client for addr: "host:port" is a single
// server (a plain client); a comma-separated list is a Redis Cluster, read
// from those seed nodes. A single seed with a trailing comma ("host:port,")
// also means a cluster, for a cluster behind one configuration endpoint. An
// empty addr is an error: it is not a Redis address.
func NewUniversalClient(addr string, opts OpenOptions) (redis.UniversalClient, error) {
	var addrs []string
	for a := range strings.SplitSeq(addr, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, errors.New("cache: empty Redis address")
	}
	cluster := strings.Contains(addr, ",")
	if cluster && opts.DB != 0 {
		return nil, errors.New("cache: Redis Cluster has only DB 0")
	}
	poolSize := opts.PoolSize
	if poolSize <= 0 {
		poolSize = max(10*runtime.GOMAXPROCS(0), 32)
	}
	return redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 addrs,
		IsClusterMode:         cluster,
		Password:              opts.Password,
		DB:                    opts.DB,
		DialTimeout:           dialTimeout,
		DialerRetries:         dialRetries,
		DialerRetryTimeout:    dialRetryWait,
		MaxRetries:            maxRetries,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		ContextTimeoutEnabled: true,
		PoolSize:              poolSize,
		// RESP2: UnionHub uses no RESP3 feature, and RESP3 makes every
		// read look for pending push notifications first.
		Protocol: 2,
	}), nil
}
