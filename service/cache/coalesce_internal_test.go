package cache

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// heldCoalescer is a coalescer on the test Redis whose sender stops before
// its first batch until release is closed; started says it got there.
func heldCoalescer(t *testing.T) (c *coalescer, batches <-chan int, started, release chan struct{}) {
	t.Helper()
	addr := os.Getenv("UNIONHUB_TEST_REDIS_ADDR") // cachetest.RedisAddrEnv (cachetest imports this package)
	if addr == "" {
		t.Skip("UNIONHUB_TEST_REDIS_ADDR is not set")
	}
	return heldCoalescerAt(t, addr)
}

// heldCoalescerAt is heldCoalescer on the Redis at addr.
func heldCoalescerAt(t *testing.T, addr string) (c *coalescer, batches <-chan int, started, release chan struct{}) {
	t.Helper()
	client, err := NewUniversalClient(addr, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	sizes := make(chan int, 100)
	started, release = make(chan struct{}), make(chan struct{})
	first := true
	c = newCoalescer(client, nil, func(n int) {
		if first {
			first = false
			close(started)
			<-release
		}
		sizes <- n
	})
	t.Cleanup(c.close)
	return c, sizes, started, release
}

// queued waits until n reads wait in c's queue.
func queued(t *testing.T, c *coalescer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(c.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d reads queued, want %d", len(c.queue), n)
		}
		runtime.Gosched()
	}
}

// TestCoalescerBatches holds the sender on one read and checks that the
// reads asked for meanwhile go out as one pipeline, each answered with its
// own keys.
func TestCoalescerBatches(t *testing.T) {
	c, batches, started, release := heldCoalescer(t)
	ctx := t.Context()
	p := "test:" + rand.Text()[:12] + ":"
	const waiting = 10
	for i := range waiting + 1 {
		if err := c.client.Set(ctx, p+string(rune('a'+i)), string(rune('A'+i)), time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		i      int
		values []string
		errs   []error
		ok     bool
	}
	results := make(chan result, waiting+1)
	read := func(i int) {
		got, ok := c.read(ctx, []string{p + string(rune('a'+i)), p + "missing"})
		v, e := got.values, got.errs
		results <- result{i, v, e, ok}
	}
	go read(0)
	<-started
	for i := 1; i <= waiting; i++ {
		go read(i)
	}
	queued(t, c, waiting)
	close(release)
	if n := <-batches; n != 1 {
		t.Errorf("first batch: %d reads, want 1", n)
	}
	if n := <-batches; n != waiting {
		t.Errorf("second batch: %d reads, want the %d that waited", n, waiting)
	}
	for range waiting + 1 {
		r := <-results
		if !r.ok || r.errs[0] != nil || r.values[0] != string(rune('A'+r.i)) || !errors.Is(r.errs[1], redis.Nil) {
			t.Errorf("read %d: %q %v ok=%v; want its own value and a miss", r.i, r.values, r.errs, r.ok)
		}
	}
}

// TestCoalescerGivingUp checks that a request whose context ends while its
// read waits returns at once, failed, and does not fail the others, and
// that closing the coalescer answers what is left and sends later reads
// back to the caller (ok false).
func TestCoalescerGivingUp(t *testing.T) {
	c, _, started, release := heldCoalescer(t)
	ctx := t.Context()
	go func() { _, _ = c.read(ctx, []string{"a", "b"}) }()
	<-started

	gone, cancel := context.WithCancel(ctx)
	done := make(chan []error)
	go func() {
		got, _ := c.read(gone, []string{"a", "b"})
		done <- got.errs
	}()
	queued(t, c, 1)
	cancel()
	if errs := <-done; !errors.Is(errs[0], context.Canceled) || !errors.Is(errs[1], context.Canceled) {
		t.Errorf("a read given up returned %v, want context.Canceled for each key", errs)
	}

	left := make(chan bool)
	go func() {
		_, ok := c.read(ctx, []string{"a", "b"})
		left <- ok
	}()
	queued(t, c, 2) // the one given up is still in the queue
	closed := make(chan struct{})
	go func() { c.close(); close(closed) }()
	close(release)
	<-closed
	if ok := <-left; !ok {
		t.Error("a read queued before close was not answered")
	}
	if _, ok := c.read(ctx, []string{"a", "b"}); ok {
		t.Error("a read after close was taken; want it sent back to the caller")
	}
}

// TestCoalescerOutage: when Redis does not answer a pipeline, the reads
// that queued behind it fail at once instead of going out one pipeline
// after another, each waiting out the client's timeouts.
func TestCoalescerOutage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every dial is refused
	c, batches, started, release := heldCoalescerAt(t, addr)
	ctx := t.Context()
	go func() { _, _ = c.read(ctx, []string{"a", "b"}) }()
	<-started
	const waiting = 5
	done := make(chan []error, waiting)
	for range waiting {
		go func() {
			got, _ := c.read(ctx, []string{"a", "b"})
			done <- got.errs
		}()
	}
	queued(t, c, waiting)
	close(release)
	for range waiting {
		if errs := <-done; !errors.Is(errs[0], ErrUnavailable) || !errors.Is(errs[1], ErrUnavailable) {
			t.Errorf("a read queued behind a failed pipeline: %v, want ErrUnavailable", errs)
		}
	}
	if n := <-batches; n != 1 {
		t.Errorf("first batch %d reads, want 1", n)
	}
	select {
	case n := <-batches:
		t.Errorf("a second pipeline of %d reads went out; the queued reads should have failed with the first", n)
	default:
	}
}
