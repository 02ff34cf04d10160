package media

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service"
)

// TestBudgetBoundsConcurrentDecodes: a decode that does not fit in the
// node's budget waits for room, and gives up with ErrBusy (503) or the
// request's end, never decoding past the budget.
func TestBudgetBoundsConcurrentDecodes(t *testing.T) {
	in := encodePNG(t, 64, 64)
	tests := []struct {
		name string
		wait time.Duration
		ctx  func() (context.Context, context.CancelFunc)
		want error
		kind service.Kind
	}{
		{"full, no wait", 0, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			ErrBusy, service.KindUnavailable},
		{"request ends while it waits", time.Hour, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled, service.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBudget(MaxDecodeBytes, tt.wait)
			hold, err := b.acquire(context.Background(), MaxDecodeBytes) // another upload's decode
			if err != nil {
				t.Fatal(err)
			}
			defer hold()
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err = Process(ctx, bytes.NewReader(in), 5<<20, b)
			if !errors.Is(err, tt.want) || service.KindOf(err) != tt.kind {
				t.Fatalf("err = %v (kind %v), want %v (kind %v)", err, service.KindOf(err), tt.want, tt.kind)
			}
			var se *service.Error
			if errors.As(err, &se) && se.Kind == service.KindUnavailable && se.RetryAfter <= 0 {
				t.Errorf("ErrBusy without Retry-After")
			}
		})
	}
}

// TestBudgetWaitingDecodeRunsWhenRoomIsFreed: the waiting decode starts as
// soon as the one holding the budget ends.
func TestBudgetWaitingDecodeRunsWhenRoomIsFreed(t *testing.T) {
	b := NewBudget(MaxDecodeBytes, time.Hour)
	hold, err := b.acquire(context.Background(), MaxDecodeBytes)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Process(context.Background(), bytes.NewReader(encodePNG(t, 64, 64)), 5<<20, b)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("decoded past a full budget: %v", err)
	default:
	}
	hold()
	if err := <-done; err != nil {
		t.Fatalf("after the room was freed: %v", err)
	}
	// Everything was given back: the whole budget can be taken again.
	if !b.sem.TryAcquire(b.size) {
		t.Fatal("the decode kept part of the budget")
	}
}

// TestBudgetIsAtLeastOneDecode: a budget smaller than one decode would
// refuse images Process accepts; it is raised to MaxDecodeBytes.
func TestBudgetIsAtLeastOneDecode(t *testing.T) {
	if b := NewBudget(1, 0); b.size != MaxDecodeBytes {
		t.Fatalf("size %d, want %d", b.size, MaxDecodeBytes)
	}
}
