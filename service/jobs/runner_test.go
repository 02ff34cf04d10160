package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/jobs"
)

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunnerOneNodeAtATime(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, dbA, dbB *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		logs := &syncBuffer{}
		log := slog.New(slog.NewTextHandler(logs, nil))
		var mu sync.Mutex
		ran := map[string]int{}
		newNode := func(db *gorm.DB, owner string) *jobs.Runner {
			r := jobs.NewRunner(db, jobs.RunnerConfig{Owner: owner, Now: clk.Now, Log: log})
			r.Every("purge", time.Hour, func(context.Context) error {
				mu.Lock()
				ran[owner]++
				mu.Unlock()
				return nil
			})
			r.Every("failing", time.Hour, func(context.Context) error { return errors.New("disk full") })
			r.Every("panicking", time.Hour, func(context.Context) error { panic("boom") })
			return r
		}
		a, b := newNode(dbA, "node-a"), newNode(dbB, "node-b")

		steps := []struct {
			name    string
			advance time.Duration
			node    *jobs.Runner
			want    int
		}{
			{"a takes every task", 0, a, 3},
			{"b gets none while a's leases last", 30 * time.Minute, b, 0},
			{"a runs them again on its own leases", 0, a, 3},
			{"b gets none before a's renewed leases end", 59 * time.Minute, b, 0},
			{"b takes over once they ran out", 2 * time.Minute, b, 3},
			{"a is refused now", 0, a, 0},
		}
		for _, s := range steps {
			clk.Advance(s.advance)
			if got := s.node.RunOnce(ctx); got != s.want {
				t.Fatalf("%s: %d tasks ran, want %d", s.name, got, s.want)
			}
		}
		if ran["node-a"] != 2 || ran["node-b"] != 1 {
			t.Fatalf("purge ran %v", ran)
		}
		for _, want := range []string{"disk full", "boom"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, logs.String())
			}
		}
	})
}

func TestRunnerRunTicksAndStops(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, db, _ *gorm.DB) {
		clk := newClock()
		tick := newManualTick()
		r := jobs.NewRunner(db, jobs.RunnerConfig{Owner: "n", Now: clk.Now, Tick: tick.tick})
		runs := make(chan struct{}, 10)
		r.Every("t", time.Minute, func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("task context has no deadline")
			}
			runs <- struct{}{}
			return nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		<-runs // the first try runs at once
		clk.Advance(time.Minute + time.Second)
		tick.ch <- clk.Now()
		<-runs
		cancel()
		<-done

		defer func() {
			if recover() == nil {
				t.Error("Every after Run did not panic")
			}
		}()
		r.Every("late", time.Minute, func(context.Context) error { return nil })
	})
}

// TestRunnerShutdownHandsOverCutRuns: a run that shutdown cuts short gives
// its lease back, so another node takes the task at its next try instead
// of up to two intervals later; a task that had finished keeps its lease.
func TestRunnerShutdownHandsOverCutRuns(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, dbA, dbB *gorm.DB) {
		clk := newClock()
		tick := newManualTick()
		a := jobs.NewRunner(dbA, jobs.RunnerConfig{Owner: "node-a", Now: clk.Now, Tick: tick.tick})
		started := make(chan struct{})
		a.Every("sweep", 15*time.Minute, func(ctx context.Context) error {
			close(started)
			<-ctx.Done() // a long sweep, cut short by the shutdown
			return ctx.Err()
		})
		finished := make(chan struct{})
		a.Every("purge", time.Hour, func(context.Context) error { close(finished); return nil })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { a.Run(ctx); close(done) }()
		<-started
		<-finished
		cancel()
		<-done

		ran := map[string]bool{}
		b := jobs.NewRunner(dbB, jobs.RunnerConfig{Owner: "node-b", Now: clk.Now})
		for _, name := range []string{"sweep", "purge"} {
			b.Every(name, time.Hour, func(context.Context) error { ran[name] = true; return nil })
		}
		clk.Advance(time.Second)
		b.RunOnce(context.Background())
		if !ran["sweep"] || ran["purge"] {
			t.Fatalf("node b ran %v; want the cut sweep taken over, the finished purge left to its interval", ran)
		}
	})
}
