package wechat_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

const (
	testAppID  = "wxtest0123456789"
	testSecret = "test-secret-0123456789abcdef0123"
	// clientTimeout is the installed HTTP client's timeout: short, so the
	// client-timeout tests are quick, and far above a loopback round trip.
	clientTimeout = 250 * time.Millisecond
)

// fake is the one fake WeChat server of this test binary: the library's
// HTTP client is process-wide, so every test talks to it. Tests that inject
// faults must not run in parallel.
var fake *fakewechat.Server

func TestMain(m *testing.M) {
	fake = fakewechat.New(fakewechat.Options{AppID: testAppID, Secret: testSecret})
	srv := httptest.NewServer(fake)
	if err := wechat.InstallHTTPClient(srv.URL, clientTimeout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// newClient returns a client with its own empty token cache.
func newClient(t *testing.T) *wechat.Client {
	t.Helper()
	t.Cleanup(fake.ClearFaults)
	return wechat.New(wechat.Config{AppID: testAppID, Secret: testSecret}, cache.NewMemory(nil))
}

// warm makes c fetch and cache its access token.
func warm(t *testing.T, c *wechat.Client) {
	t.Helper()
	if _, err := c.MsgSecCheck(context.Background(), "o-warm", "hello"); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
}

// downCache is a cache whose backend never answers.
type downCache struct{}

func (downCache) Get(context.Context, string) (string, error) { return "", cache.ErrUnavailable }
func (downCache) Set(context.Context, string, string, time.Duration) error {
	return cache.ErrUnavailable
}
func (downCache) Delete(context.Context, ...string) error                   { return cache.ErrUnavailable }
func (downCache) Prefetch(ctx context.Context, _ ...string) context.Context { return ctx }
func (downCache) SetNX(context.Context, string, string, time.Duration) (bool, error) {
	return false, cache.ErrUnavailable
}
func (downCache) CompareAndSwap(context.Context, string, string, string, time.Duration) (bool, error) {
	return false, cache.ErrUnavailable
}
func (downCache) Incr(context.Context, string, time.Duration) (int64, error) {
	return 0, cache.ErrUnavailable
}
func (downCache) Ping(context.Context) error { return cache.ErrUnavailable }
func (downCache) Close() error               { return nil }
