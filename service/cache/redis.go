package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// incrScript creates the counter and its expiry in one step, so a crash or a
// lost connection between INCR and PEXPIRE cannot leave a counter that never
// expires. It sets the expiry only when this call created the key (EXPIRE NX
// would need Redis 7).
var incrScript = redis.NewScript(`
local created = redis.call('EXISTS', KEYS[1]) == 0
local n = redis.call('INCR', KEYS[1])
if created and tonumber(ARGV[1]) > 0 then
	redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`)

// swapScript replaces the value of KEYS[1] only when it is ARGV[1], so
// that the comparison and the write are one step for every other client.
// ARGV[3] is the expiry in milliseconds; 0 means none.
var swapScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
	return 0
end
if tonumber(ARGV[3]) > 0 then
	redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
	redis.call('SET', KEYS[1], ARGV[2])
end
return 1
`)

// Redis is the Cache over a Redis server or Redis Cluster.
type Redis struct {
	client redis.UniversalClient
	reads  *coalescer // Prefetch's reads
}

// NewRedis returns a Cache over client and takes ownership of it: Close
// closes the client.
func NewRedis(client redis.UniversalClient) *Redis {
	return &Redis{client: client, reads: newCoalescer(client, nil)}
}

// Get returns the value of key, or ErrMiss.
func (r *Redis) Get(ctx context.Context, key string) (string, error) {
	if v, err, found := takePrefetched(ctx, key); found {
		return v, err
	}
	v, err := r.client.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrMiss
	}
	if err != nil {
		return "", wrap("get", err)
	}
	return v, nil
}

// Set stores value under key for ttl (ttl <= 0 means no expiry), replacing
// any earlier value and expiry.
func (r *Redis) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	dropPrefetched(ctx, key)
	if err := r.client.Set(ctx, key, value, redisTTL(ttl)).Err(); err != nil {
		return wrap("set", err)
	}
	return nil
}

// Delete removes keys; missing keys are not an error. Several keys are
// deleted one command each, in one pipeline, because in a cluster they may
// live in different slots (a multi-key DEL would fail with CROSSSLOT).
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	dropPrefetched(ctx, keys...)
	var err error
	switch len(keys) {
	case 0:
		return nil
	case 1:
		err = r.client.Del(ctx, keys[0]).Err()
	default:
		_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Del(ctx, k)
			}
			return nil
		})
	}
	if err != nil {
		return wrap("delete", err)
	}
	return nil
}

// SetNX stores value under key for ttl only when key does not exist, and
// reports whether it did.
func (r *Redis) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	dropPrefetched(ctx, key)
	ok, err := r.client.SetNX(ctx, key, value, redisTTL(ttl)).Result()
	if err != nil {
		return false, wrap("setnx", err)
	}
	return ok, nil
}

// CompareAndSwap stores value under key for ttl only when key holds old,
// and reports whether it did.
func (r *Redis) CompareAndSwap(ctx context.Context, key, old, value string, ttl time.Duration) (bool, error) {
	dropPrefetched(ctx, key)
	n, err := swapScript.Run(ctx, r.client, []string{key}, old, value, redisTTL(ttl).Milliseconds()).Int64()
	if err != nil {
		return false, wrap("compare-and-swap", err)
	}
	return n == 1, nil
}

// Incr adds one to the integer under key and returns the new value. A key
// created by this call expires after ttl; later calls keep its expiry.
func (r *Redis) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	dropPrefetched(ctx, key)
	n, err := incrScript.Run(ctx, r.client, []string{key}, redisTTL(ttl).Milliseconds()).Int64()
	if err != nil {
		return 0, wrap("incr", err)
	}
	return n, nil
}

// Prefetch reads keys in one round trip and carries the answers in the
// returned context for the keys' next Get: with one MGET on a Redis
// server, with one GET each on a Redis Cluster. The reads of concurrent
// requests go together (coalesce.go).
func (r *Redis) Prefetch(ctx context.Context, keys ...string) context.Context {
	if len(keys) < 2 {
		return ctx // nothing to save
	}
	values, errs, ok := r.reads.read(ctx, keys)
	if !ok {
		values, errs = r.readAlone(ctx, keys)
	}
	answers := make(map[string]answer, len(keys))
	for i, k := range keys {
		switch {
		case errs[i] == nil:
			answers[k] = answer{value: values[i]}
		case errors.Is(errs[i], redis.Nil):
			answers[k] = answer{err: ErrMiss}
		} // a failed read is not carried: its Get asks again
	}
	return withPrefetched(ctx, answers)
}

// readAlone reads keys in a round trip of their own, as the coalescer
// would (pipelinedRead), under the caller's context.
func (r *Redis) readAlone(ctx context.Context, keys []string) ([]string, []error) {
	values, errs := make([]string, len(keys)), make([]error, len(keys))
	pipe := r.client.Pipeline()
	read := addRead(ctx, pipe, keys, r.reads.cluster)
	_, _ = pipe.Exec(ctx) // each command's error is read below
	read.answers(values, errs)
	return values, errs
}

// Ping reports whether the server answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return wrap("ping", err)
	}
	return nil
}

// Close closes the client.
func (r *Redis) Close() error {
	r.reads.close()
	if err := r.client.Close(); err != nil {
		return wrap("close", err)
	}
	return nil
}

// redisTTL turns a Cache ttl into what go-redis expects: 0 for no expiry
// (go-redis reads -1 as KEEPTTL, which would keep an old expiry), and at
// whole milliseconds rounded up otherwise (Redis counts in milliseconds;
// go-redis would log about a shorter ttl).
func redisTTL(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	return (ttl + time.Millisecond - 1).Truncate(time.Millisecond)
}

// wrap marks err as ErrUnavailable unless Redis answered and refused the
// command because of the data (a wrong type, a non-integer to increment):
// that is a bug in the caller, not an outage, and must not become a 503.
func wrap(op string, err error) error {
	if isDataError(err) {
		return fmt.Errorf("cache: redis %s: %w", op, err)
	}
	return fmt.Errorf("%w: redis %s: %w", ErrUnavailable, op, err)
}

func isDataError(err error) bool {
	var rerr redis.Error
	if !errors.As(err, &rerr) {
		return false
	}
	msg := rerr.Error()
	return strings.HasPrefix(msg, "WRONGTYPE") ||
		strings.Contains(msg, "not an integer") ||
		strings.Contains(msg, "overflow")
}
