package jobs_test

import (
	"sync"
	"time"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *testClock {
	return &testClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// manualTick is a TickFunc whose ticks the test sends.
type manualTick struct {
	ch chan time.Time
}

func newManualTick() *manualTick { return &manualTick{ch: make(chan time.Time)} }

func (m *manualTick) tick(time.Duration) (<-chan time.Time, func()) { return m.ch, func() {} }
