package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
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
