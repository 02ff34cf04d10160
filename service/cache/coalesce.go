package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Every authenticated request starts with one Prefetch (its session, its
// roles, a card's state). Sent one by one, each costs a write and a read
// system call on a connection of its own, and Redis as many again; on a
// busy node these calls, not Redis's work, are most of a request's cost.
// The coalescer sends the Prefetch reads of concurrent requests together:
// a sender takes every read waiting, sends them as one pipeline (one
// write, the replies read in one go) and hands each request its own
// answers. Nothing waits for company: a read that finds the sender idle
// goes at once, alone, and reads pile up only while a pipeline is in
// flight, so the batches grow with the load and the latency of a quiet
// node does not change. Every read is still sent after its request
// asked for it, so an answer is never older than a lone read would have
// been.

// maxCoalesced bounds a pipeline, so that one batch cannot keep a sender
// (and the requests in it) busy for long.
const maxCoalesced = 128

// readRequest is one Prefetch's read, answered by a sender.
type readRequest struct {
	ctx  context.Context
	keys []string
	got  readResult
	done chan struct{}
}

// readResult is what a read found, one entry per key: a value, or an
// error (redis.Nil for a missing key); and, when the cache keeps copies,
// the remaining life of each copied key (PTTL's answer; 0 when unread).
type readResult struct {
	values []string
	errs   []error
	ttls   []time.Duration
}

func newReadResult(n int, ttls bool) readResult {
	r := readResult{values: make([]string, n), errs: make([]error, n)}
	if ttls {
		r.ttls = make([]time.Duration, n)
	}
	return r
}

type coalescer struct {
	client  redis.UniversalClient
	cluster bool
	near    *near // reads the expiry of the keys it copies; nil: none
	queue   chan *readRequest
	// mu orders enqueueing against close: once closed is set, nothing is
	// enqueued, and the senders fail what is left in the queue.
	mu     sync.RWMutex
	closed bool
	stop   chan struct{}
	wg     sync.WaitGroup
	// onBatch, when set (tests), is called with each batch's size before
	// it is sent.
	onBatch func(n int)
}

// coalesceSenders is the number of senders. One keeps the batches largest:
// on the load test (32 connections, 2 CPUs) one sender served /me/card at
// 0.44 of a bare handler, two at 0.40 and four at 0.37, as every pipeline
// costs its system calls whatever its size. A pipeline in flight holds the
// next batch back by one round trip at most.
const coalesceSenders = 1

// newCoalescer starts the senders.
func newCoalescer(client redis.UniversalClient, n *near, onBatch func(int)) *coalescer {
	_, cluster := client.(*redis.ClusterClient)
	c := &coalescer{client: client, cluster: cluster, near: n, queue: make(chan *readRequest, 4*maxCoalesced),
		stop: make(chan struct{}), onBatch: onBatch}
	for range coalesceSenders {
		c.wg.Go(c.send)
	}
	return c
}

// read answers keys through a sender; ok is false when the coalescer is
// closed or its queue is full (the caller then reads alone). When ctx ends
// first, read returns with every key failed.
func (c *coalescer) read(ctx context.Context, keys []string) (got readResult, ok bool) {
	r := &readRequest{ctx: ctx, keys: keys, got: newReadResult(len(keys), c.near != nil), done: make(chan struct{})}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return readResult{}, false
	}
	select {
	case c.queue <- r:
	default:
		c.mu.RUnlock()
		return readResult{}, false
	}
	c.mu.RUnlock()
	select {
	case <-r.done:
		return r.got, true
	case <-ctx.Done():
		// The sender still fills r; nobody reads it.
		got = newReadResult(len(keys), false)
		for i := range got.errs {
			got.errs[i] = ctx.Err()
		}
		return got, true
	}
}

// send is a sender's loop: wait for a read, take whatever else waits, send
// them all as one pipeline.
func (c *coalescer) send() {
	batch := make([]*readRequest, 0, maxCoalesced)
	for {
		select {
		case r := <-c.queue:
			batch = append(batch[:0], r)
		case <-c.stop:
			c.failQueued(errCoalescerClosed)
			return
		}
	more:
		for len(batch) < maxCoalesced {
			select {
			case r := <-c.queue:
				batch = append(batch, r)
			default:
				break more
			}
		}
		if c.onBatch != nil {
			c.onBatch(len(batch))
		}
		c.run(batch)
		clear(batch) // let the requests go
	}
}

// run sends batch as one pipeline (pipelinedRead per request). The
// pipeline runs under the context of none of the requests, so one request
// giving up does not fail the others; the client's timeouts bound it.
func (c *coalescer) run(batch []*readRequest) {
	ctx := context.Background()
	pipe := c.pipeline()
	reads := make([]pipelinedRead, len(batch))
	for i, r := range batch {
		if r.ctx.Err() == nil { // else its request has gone
			reads[i] = addRead(ctx, pipe, r.keys, c.cluster, c.near)
		}
	}
	_, err := pipe.Exec(ctx) // each command's error is read below
	for i, r := range batch {
		if reads[i].sent() {
			reads[i].answers(r.got)
		} else {
			for j := range r.keys {
				r.got.errs[j] = r.ctx.Err()
			}
		}
		close(r.done)
	}
	// Redis did not answer (a reply error or a miss would be its answer):
	// the reads that queued meanwhile fail now rather than each wait for
	// a pipeline of its own to time out, so an outage reaches the 503 as
	// soon as it did before reads were coalesced.
	var reply redis.Error
	if err != nil && !errors.Is(err, redis.Nil) && !errors.As(err, &reply) {
		c.failQueued(fmt.Errorf("%w: redis prefetch: %w", ErrUnavailable, err))
	}
}

// pipeline returns a pipeline for reads: a transaction (MULTI/EXEC) when
// expiries are read beside the values (near.go), so that each value and
// its expiry are of one moment; a plain one otherwise.
func (c *coalescer) pipeline() redis.Pipeliner {
	if c.near != nil {
		return c.client.TxPipeline()
	}
	return c.client.Pipeline()
}

// failQueued answers every read queued now with err.
func (c *coalescer) failQueued(err error) {
	for {
		select {
		case r := <-c.queue:
			for j := range r.keys {
				r.got.errs[j] = err
			}
			close(r.done)
		default:
			return
		}
	}
}

var errCoalescerClosed = fmt.Errorf("%w: redis cache closed", ErrUnavailable)

// close stops the senders after the batches in flight; reads asked for
// later are not coalesced.
func (c *coalescer) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	c.wg.Wait()
}

// pipelinedRead is one request's reads in a pipeline: an MGET on a Redis
// server, a GET per key on a Redis Cluster (the client splits the
// pipeline by node; an MGET across slots would fail with CROSSSLOT); and
// a PTTL of each key the node may copy (near.go, never on a cluster).
type pipelinedRead struct {
	mget  *redis.SliceCmd
	gets  []*redis.StringCmd
	pttls []*redis.DurationCmd // by key; nil where not read
}

// addRead queues the reads of keys in pipe.
func addRead(ctx context.Context, pipe redis.Pipeliner, keys []string, cluster bool, n *near) pipelinedRead {
	if !cluster {
		p := pipelinedRead{mget: pipe.MGet(ctx, keys...)}
		if n != nil {
			p.pttls = make([]*redis.DurationCmd, len(keys))
			for i, k := range keys {
				if n.covers(k) {
					p.pttls[i] = pipe.PTTL(ctx, k)
				}
			}
		}
		return p
	}
	gets := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		gets[i] = pipe.Get(ctx, k)
	}
	return pipelinedRead{gets: gets}
}

func (p pipelinedRead) sent() bool { return p.mget != nil || p.gets != nil }

// answers fills got, one entry per key, once the pipeline ran: redis.Nil
// marks a missing key.
func (p pipelinedRead) answers(got readResult) {
	values, errs := got.values, got.errs
	if p.gets != nil {
		for i, cmd := range p.gets {
			values[i], errs[i] = cmd.Result()
		}
		return
	}
	if got.ttls != nil {
		for i, cmd := range p.pttls {
			if cmd != nil {
				got.ttls[i], _ = cmd.Result() // a failed PTTL reads as 0: no copy
			}
		}
	}
	vals, err := p.mget.Result()
	for i := range values {
		switch {
		case err != nil || len(vals) != len(values):
			errs[i] = ErrUnavailable
		case vals[i] == nil:
			errs[i] = redis.Nil
		default:
			values[i], _ = vals[i].(string)
		}
	}
}
