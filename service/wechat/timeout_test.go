package wechat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/wechat"
)

// slack is how late a timed-out call may return.
const slack = 150 * time.Millisecond

// stall is longer than every deadline below; the fake gives up early when
// the client goes away.
const stall = 2 * time.Second

func TestContextDeadline(t *testing.T) {
	const deadline = 100 * time.Millisecond
	for _, o := range allOps() {
		t.Run(o.name, func(t *testing.T) {
			c := newClient(t)
			warm(t, c)
			fake.DelayNext(o.path, 1, stall)
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			_, err := o.run(ctx, c)
			took := time.Since(start)
			if !errors.Is(err, wechat.ErrUpstream) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want ErrUpstream and DeadlineExceeded", err)
			}
			if took > deadline+slack {
				t.Errorf("returned after %v, deadline %v", took, deadline)
			}
		})
	}
}

func TestClientTimeout(t *testing.T) {
	for _, o := range allOps() {
		t.Run(o.name, func(t *testing.T) {
			c := newClient(t)
			warm(t, c)
			fake.DelayNext(o.path, 1, stall)
			start := time.Now()
			_, err := o.run(context.Background(), c)
			took := time.Since(start)
			if !errors.Is(err, wechat.ErrUpstream) {
				t.Errorf("err = %v, want ErrUpstream", err)
			}
			if took > clientTimeout+slack {
				t.Errorf("returned after %v, client timeout %v", took, clientTimeout)
			}
		})
	}
}

func TestTokenFetchDeadline(t *testing.T) {
	const deadline = 100 * time.Millisecond
	for _, o := range tokenOps() {
		t.Run(o.name, func(t *testing.T) {
			c := newClient(t) // no token yet
			fake.DelayNext(stablePath, 1, stall)
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			_, err := o.run(ctx, c)
			if !errors.Is(err, wechat.ErrUpstream) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want ErrUpstream and DeadlineExceeded", err)
			}
			if took := time.Since(start); took > deadline+slack {
				t.Errorf("returned after %v, deadline %v", took, deadline)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, o := range allOps() {
		t.Run(o.name, func(t *testing.T) {
			_, err := o.run(ctx, newClient(t))
			if !errors.Is(err, wechat.ErrUpstream) || !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want ErrUpstream and Canceled", err)
			}
		})
	}
}
