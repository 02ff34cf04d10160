package api

import (
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/cache"
)

// TestRequestWriterReachesTheConnection: behind the request middleware a
// handler can still set the connection's deadlines (exports, imports and
// data copies extend them), as on gin's own writer.
func TestRequestWriterReachesTheConnection(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(requestIDMiddleware(slog.New(slog.DiscardHandler)))
	r.GET("/", func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		for name, set := range map[string]func(time.Time) error{"write": rc.SetWriteDeadline, "read": rc.SetReadDeadline} {
			if err := set(time.Now().Add(10 * time.Minute)); err != nil {
				c.String(http.StatusInternalServerError, "%s deadline: %v", name, err)
				return
			}
		}
		c.String(http.StatusOK, "ok")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}

// TestRepliesWaitForTheirCacheWrites: a reply, with a body or without one
// (written by gin after the handlers), leaves no earlier than the lease
// after the request's last write of a copied key (cache/near.go), so that
// every node has dropped its copy before the client hears of the change.
func TestRepliesWaitForTheirCacheWrites(t *testing.T) {
	addr := os.Getenv("UNIONHUB_TEST_REDIS_ADDR") // cachetest.RedisAddrEnv
	if addr == "" {
		t.Skip("UNIONHUB_TEST_REDIS_ADDR is not set")
	}
	client, err := cache.NewUniversalClient(addr, cache.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "test:" + rand.Text()[:12] + ":"
	c := cache.NewRedisNear(client, cache.NearOptions{Keys: func(k string) bool { return strings.HasPrefix(k, prefix) }})
	defer c.Close()
	const lease = 25 * time.Millisecond // cache.nearLease
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(requestIDMiddleware(slog.New(slog.DiscardHandler)))
	var written time.Time
	write := func(c2 *gin.Context) bool {
		if err := c.Set(c2.Request.Context(), prefix+"k", "v", time.Minute); err != nil {
			c2.String(http.StatusInternalServerError, err.Error())
			return false
		}
		written = time.Now()
		return true
	}
	r.GET("/body", func(c2 *gin.Context) {
		if write(c2) {
			c2.String(http.StatusOK, "ok")
		}
	})
	r.GET("/empty", func(c2 *gin.Context) {
		if write(c2) {
			c2.Status(http.StatusNoContent)
		}
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, path := range []string{"/body", "/empty"} {
		t.Run(path, func(t *testing.T) {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			got := time.Now()
			res.Body.Close()
			if res.StatusCode >= 300 {
				t.Fatalf("status %d", res.StatusCode)
			}
			if waited := got.Sub(written); waited < lease {
				t.Fatalf("reply came %v after the write, before the lease of %v ran out", waited, lease)
			}
		})
	}
}
