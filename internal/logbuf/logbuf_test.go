package logbuf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer counts the writes it gets.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCloseLosesNoLine: lines written concurrently, through a buffer that
// fills many times over, all reach the writer whole and each writer's in
// order once Close returns, in far fewer writes than lines; a line after
// Close goes straight through.
func TestCloseLosesNoLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		size     int
		interval time.Duration
	}{
		{"small buffer, flushes when full", 256, time.Hour},
		{"default buffer, flushed by Close", 0, time.Hour},
		{"periodic flushes", 1024, time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out lockedBuffer
			w := New(&out, tc.size, tc.interval)
			const writers, lines = 8, 500
			var wg sync.WaitGroup
			for g := range writers {
				wg.Go(func() {
					for i := range lines {
						fmt.Fprintf(w, "{\"g\":%d,\"i\":%d}\n", g, i)
					}
				})
			}
			wg.Wait()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(w, "after close\n")
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(got) != writers*lines+1 || got[len(got)-1] != "after close" {
				t.Fatalf("%d lines, last %q; want %d and the line after Close", len(got), got[len(got)-1], writers*lines+1)
			}
			next := make([]int, writers)
			for _, l := range got[:len(got)-1] {
				var g, i int
				if _, err := fmt.Sscanf(l, "{\"g\":%d,\"i\":%d}", &g, &i); err != nil {
					t.Fatalf("torn line %q", l)
				}
				if i != next[g] {
					t.Fatalf("writer %d: line %d after %d", g, i, next[g]-1)
				}
				next[g]++
			}
			if out.writes > writers*lines/4 {
				t.Errorf("%d writes for %d lines: not batched", out.writes, writers*lines)
			}
		})
	}
}

// TestLongLineAndFlush: a line longer than the buffer is written after
// what waits before it; Flush writes what waits.
func TestLongLineAndFlush(t *testing.T) {
	var out lockedBuffer
	w := New(&out, 16, time.Hour)
	defer w.Close()
	fmt.Fprint(w, "short\n")
	long := strings.Repeat("x", 40) + "\n"
	fmt.Fprint(w, long)
	if got := out.String(); got != "short\n"+long {
		t.Fatalf("got %q", got)
	}
	fmt.Fprint(w, "tail\n")
	if out.String() != "short\n"+long {
		t.Fatal("a short line was written before a flush")
	}
	if err := w.Flush(); err != nil || !strings.HasSuffix(out.String(), "tail\n") {
		t.Fatalf("Flush: %v, %q", err, out.String())
	}
}
