package memo

import (
	"strconv"
	"sync"
	"testing"
)

// TestMemoBounded: a memo never holds more than its bound, however many
// distinct inputs arrive (a flood of them costs memory once), and keeps
// what it was given until it starts afresh.
func TestMemoBounded(t *testing.T) {
	m := New[int](100)
	for i := range 1000 {
		m.Put(strconv.Itoa(i), i)
		if n := m.Len(); n > 100 {
			t.Fatalf("after %d puts the memo holds %d, bound 100", i+1, n)
		}
	}
	if v, ok := m.Get("999"); !ok || v != 999 {
		t.Fatalf("latest put: %d, %v", v, ok)
	}
	if _, ok := m.Get("0"); ok {
		t.Fatal("an entry from before the memo started afresh is still there")
	}
}

func TestMemoConcurrent(t *testing.T) {
	m := New[string](64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := strconv.Itoa((g*500 + i) % 200)
				m.Put(k, k)
				if v, ok := m.Get(k); ok && v != k {
					t.Errorf("Get(%q) = %q", k, v)
				}
			}
		})
	}
	wg.Wait()
}
