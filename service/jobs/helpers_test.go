package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
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

// eachTwoNodes runs fn on every backend with two connection pools on one
// migrated database, as two nodes would have.
func eachTwoNodes(t *testing.T, fn func(t *testing.T, a, b *gorm.DB)) {
	t.Helper()
	for _, be := range modeltest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			dsn := modeltest.DSNFor(t, be)
			open := func() *gorm.DB {
				db, err := model.Open(context.Background(), model.Options{Driver: be.Driver, DSN: dsn, MaxOpenConns: 10})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = model.Close(db) })
				return db
			}
			a := open()
			if err := model.Migrate(context.Background(), a, nil); err != nil {
				t.Fatal(err)
			}
			fn(t, a, open())
		})
	}
}

// manualTick is a TickFunc whose ticks the test sends.
type manualTick struct {
	ch chan time.Time
}

func newManualTick() *manualTick { return &manualTick{ch: make(chan time.Time)} }

func (m *manualTick) tick(time.Duration) (<-chan time.Time, func()) { return m.ch, func() {} }
