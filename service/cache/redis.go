package cache

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// ARGV[4], when not empty, is the channel to publish the key on when it
// was swapped (near.go).
//
// It answers 2 when KEYS[1] already holds ARGV[2]: the command may be a
// retry (maxRetries) whose first run swapped and published, and its
// caller must count it as swapped and wait as for a swap.
var swapScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v ~= ARGV[1] then
	if v == ARGV[2] then
		return 2
	end
	return 0
end
if tonumber(ARGV[3]) > 0 then
	redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
	redis.call('SET', KEYS[1], ARGV[2])
end
if ARGV[4] ~= '' then
	redis.call('PUBLISH', ARGV[4], KEYS[1])
end
return 1
`)

// setNXScript is SET NX that publishes the key on ARGV[3] when it set it
// (near.go); ARGV[2] is the expiry in milliseconds, 0 for none.
var setNXScript = redis.NewScript(`
local ok
if tonumber(ARGV[2]) > 0 then
	ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
else
	ok = redis.call('SET', KEYS[1], ARGV[1], 'NX')
end
if not ok then
	return 0
end
redis.call('PUBLISH', ARGV[3], KEYS[1])
return 1
`)

// delScript is DEL that publishes the key on ARGV[1] when there was one
// to delete (near.go).
var delScript = redis.NewScript(`
if redis.call('DEL', KEYS[1]) == 0 then
	return 0
end
redis.call('PUBLISH', ARGV[1], KEYS[1])
return 1
`)

// Redis is the Cache over a Redis server or Redis Cluster.
type Redis struct {
	client redis.UniversalClient
	reads  *coalescer // Prefetch's reads
	near   *near      // the node's copies of hot keys; nil: none (near.go)
}

// NewRedis returns a Cache over client and takes ownership of it: Close
// closes the client. It keeps no node-local copies (NewRedisNear).
func NewRedis(client redis.UniversalClient) *Redis { return NewRedisNear(client, NearOptions{}) }

// NewRedisNear is NewRedis keeping node-local copies of the keys that
// opts names (near.go); on a Redis Cluster it keeps none.
func NewRedisNear(client redis.UniversalClient, opts NearOptions) *Redis {
	n := newNear(client, opts)
	return &Redis{client: client, reads: newCoalescer(client, n.copying(), nil), near: n}
}

// Get returns the value of key, or ErrMiss.
func (r *Redis) Get(ctx context.Context, key string) (string, error) {
	if v, err, found := takePrefetched(ctx, key); found {
		return v, err
	}
	if r.near.keepsCopies() && r.near.covers(key) {
		return r.getNear(ctx, key)
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

// getNear reads a key that may have a copy: from the copy, else from
// Redis with its expiry, keeping a copy.
func (r *Redis) getNear(ctx context.Context, key string) (string, error) {
	if v, ok := r.near.get(key); ok {
		return v, nil
	}
	g := r.near.begin()
	pipe := r.client.TxPipeline() // the value and its expiry as of one moment
	get, ttl := pipe.Get(ctx, key), pipe.PTTL(ctx, key)
	_, _ = pipe.Exec(ctx) // each command's error is read below
	v, err := get.Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrMiss
	}
	if err != nil {
		return "", wrap("get", err)
	}
	if d, err := ttl.Result(); err == nil {
		r.near.keep(key, v, d, g)
	}
	return v, nil
}

// writeNear runs a write of keys that may have copies: it drops this
// node's copies before and after, sends the write and a PUBLISH of each
// key as one transaction (both or neither), and waits out a lease
// through ctx (owe).
func (r *Redis) writeNear(ctx context.Context, keys []string, write func(p redis.Pipeliner)) error {
	r.near.drop(keys...)
	_, err := r.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		write(p)
		for _, k := range keys {
			p.Publish(ctx, nearChannel, k)
		}
		return nil
	})
	r.near.drop(keys...)
	owe(ctx) // a failure too: the caller may carry on as if it had written
	return err
}

// Set stores value under key for ttl (ttl <= 0 means no expiry), replacing
// any earlier value and expiry.
func (r *Redis) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	dropPrefetched(ctx, key)
	if r.near.covers(key) {
		var set *redis.StatusCmd
		err := r.writeNear(ctx, []string{key}, func(p redis.Pipeliner) { set = p.Set(ctx, key, value, redisTTL(ttl)) })
		if err == nil {
			err = set.Err()
		}
		if err != nil {
			return wrap("set", err)
		}
		return nil
	}
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
	switch {
	case len(keys) == 0:
		return nil
	case slices.ContainsFunc(keys, r.near.covers):
		err = r.deleteNear(ctx, keys)
	case len(keys) == 1:
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

// deleteNear deletes keys of which some may have copies: each of those
// by a script that publishes it when it was there (and then the caller
// waits out a lease), the others by DEL.
func (r *Redis) deleteNear(ctx context.Context, keys []string) error {
	var first error
	deleted := false
	for _, k := range keys {
		var err error
		if r.near.covers(k) {
			r.near.drop(k)
			var n int64
			n, err = delScript.Run(ctx, r.client, []string{k}, nearChannel).Int64()
			r.near.drop(k)
			deleted = deleted || n == 1 || err != nil
		} else {
			err = r.client.Del(ctx, k).Err()
		}
		if first == nil {
			first = err
		}
	}
	if deleted {
		owe(ctx) // a failure too: the caller may carry on as if it had deleted
	}
	return first
}

// SetNX stores value under key for ttl only when key does not exist, and
// reports whether it did.
func (r *Redis) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	dropPrefetched(ctx, key)
	if r.near.covers(key) {
		// Published when set, not waited for: near.go says why.
		r.near.drop(key)
		n, err := setNXScript.Run(ctx, r.client, []string{key}, value, redisTTL(ttl).Milliseconds(), nearChannel).Int64()
		r.near.drop(key)
		if err != nil {
			return false, wrap("setnx", err)
		}
		return n == 1, nil
	}
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
	channel := ""
	if r.near.covers(key) {
		channel = nearChannel
		r.near.drop(key)
		defer r.near.drop(key)
	}
	n, err := swapScript.Run(ctx, r.client, []string{key}, old, value, redisTTL(ttl).Milliseconds(), channel).Int64()
	if channel != "" && (err != nil || n != 0) {
		owe(ctx)
	}
	if err != nil {
		return false, wrap("compare-and-swap", err)
	}
	return n != 0, nil
}

// Incr adds one to the integer under key and returns the new value. A key
// created by this call expires after ttl; later calls keep its expiry.
func (r *Redis) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	dropPrefetched(ctx, key)
	if r.near.covers(key) {
		// No copied key is a counter; should one become one, it is
		// published and waited out like any other write of one.
		r.near.drop(key)
		n, err := incrScript.Run(ctx, r.client, []string{key}, redisTTL(ttl).Milliseconds()).Int64()
		if perr := r.writeNear(ctx, []string{key}, func(redis.Pipeliner) {}); err == nil {
			err = perr
		}
		if err != nil {
			return 0, wrap("incr", err)
		}
		return n, nil
	}
	n, err := incrScript.Run(ctx, r.client, []string{key}, redisTTL(ttl).Milliseconds()).Int64()
	if err != nil {
		return 0, wrap("incr", err)
	}
	return n, nil
}

// Prefetch reads keys in one round trip and carries the answers in the
// returned context for the keys' next Get: with one MGET on a Redis
// server, with one GET each on a Redis Cluster. The reads of concurrent
// requests go together (coalesce.go). Keys with a usable node-local copy
// (near.go) are answered from it and not read; when all are, there is no
// round trip at all.
func (r *Redis) Prefetch(ctx context.Context, keys ...string) context.Context {
	if len(keys) < 2 {
		return ctx // nothing to save
	}
	answers := make(map[string]answer, len(keys))
	ask, g := keys, nearRead{}
	if r.near.keepsCopies() {
		g = r.near.begin()
		ask = make([]string, 0, len(keys))
		for _, k := range keys {
			if r.near.covers(k) {
				if v, ok := r.near.get(k); ok {
					answers[k] = answer{value: v}
					continue
				}
			}
			ask = append(ask, k)
		}
		if len(ask) == 0 {
			return withPrefetched(ctx, answers)
		}
	}
	got, ok := r.reads.read(ctx, ask)
	if !ok {
		got = r.readAlone(ctx, ask)
	}
	for i, k := range ask {
		switch err := got.errs[i]; {
		case err == nil:
			answers[k] = answer{value: got.values[i]}
			if got.ttls != nil && r.near.covers(k) {
				r.near.keep(k, got.values[i], got.ttls[i], g)
			}
		case errors.Is(err, redis.Nil):
			answers[k] = answer{err: ErrMiss}
		} // a failed read is not carried: its Get asks again
	}
	return withPrefetched(ctx, answers)
}

// readAlone reads keys in a round trip of their own, as the coalescer
// would (pipelinedRead), under the caller's context.
func (r *Redis) readAlone(ctx context.Context, keys []string) readResult {
	got := newReadResult(len(keys), r.reads.near != nil)
	pipe := r.reads.pipeline()
	read := addRead(ctx, pipe, keys, r.reads.cluster, r.reads.near)
	_, _ = pipe.Exec(ctx) // each command's error is read below
	read.answers(got)
	return got
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
	r.near.close()
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
