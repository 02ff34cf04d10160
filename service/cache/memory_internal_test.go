package cache

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// TestMemorySweep checks that expired entries nobody reads again do not
// pile up: writes sweep them once the clock has moved on or the map doubled.
func TestMemorySweep(t *testing.T) {
	tests := []struct {
		name  string
		step  time.Duration // clock step between writes
		wantN int           // at most this many entries left
	}{
		// Every write expires the one before; the doubling rule bounds the map.
		{"by size", 2 * time.Second, 2 * sweepMinLen},
		// Slow writes: the periodic rule sweeps.
		{"by time", 30 * time.Second, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
			m := NewMemory(func() time.Time { return now })
			for i := range 10 * sweepMinLen {
				if err := m.Set(context.Background(), strconv.Itoa(i), "v", time.Second); err != nil {
					t.Fatal(err)
				}
				now = now.Add(tt.step)
				if n := len(m.entries); n > tt.wantN {
					t.Fatalf("after %d writes: %d entries, want at most %d", i+1, n, tt.wantN)
				}
			}
		})
	}
}
