package ratelimit_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestMain stops the Redis Cluster that the cluster subtests start.
func TestMain(m *testing.M) { cachetest.Main(m) }
