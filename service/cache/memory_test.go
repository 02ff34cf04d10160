package cache_test

import (
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

func TestMemory(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, func(time.Duration)) {
		clock := cachetest.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
		m := cache.NewMemory(clock.Now)
		t.Cleanup(func() { _ = m.Close() })
		return m, clock.Advance
	})
}

func TestPrefixedConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) (cache.Cache, func(time.Duration)) {
		clk := cachetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		m := cache.NewMemory(clk.Now)
		t.Cleanup(func() { _ = m.Close() })
		return cache.WithPrefix(m, "p:"), clk.Advance
	})
}
