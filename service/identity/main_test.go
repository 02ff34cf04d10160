package identity_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// TestMain stops the Redis Cluster that the cluster test starts.
func TestMain(m *testing.M) { cachetest.Main(m) }
