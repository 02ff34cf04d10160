package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/unionhub/unionhub/model/modeltest"
)

// TestRepliesCarryTheirLength: every JSON reply, a small one or the code lists
// or the privacy notice well over net/http's 2 KB chunking threshold, success or
// error, goes out with its Content-Length and in one piece, never in
// chunks (which cost a flush in the middle of the handler and framing
// every client must undo).
func TestRepliesCarryTheirLength(t *testing.T) {
	t.Parallel()
	e := newEnv(t, modeltest.Backends()[0], false) // the HTTP layer: one backend is enough
	srv := httptest.NewServer(e.router)
	t.Cleanup(srv.Close)
	tests := []struct {
		name, method, path string
		token              string
		status             int
		minBytes           int
	}{
		{"the code lists", "GET", "/api/v1/dicts", "", 200, 3 << 10},
		{"the privacy notice", "GET", "/api/v1/privacy/notice", "", 200, 2 << 10},
		{"a small reply", "GET", "/healthz", "", 200, 10},
		{"an error", "GET", "/api/v1/me", "", 401, 10},
		{"no such route", "GET", "/api/v1/nowhere", "", 404, 10},
		{"a method not allowed", "DELETE", "/api/v1/auth/wechat/login", "", 405, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if len(resp.TransferEncoding) > 0 {
				t.Errorf("sent with Transfer-Encoding %v, want a plain body", resp.TransferEncoding)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %q, body %d bytes", got, len(body))
			}
			if len(body) < tt.minBytes {
				t.Errorf("body %d bytes, want at least %d", len(body), tt.minBytes)
			}
			if !json.Valid(body) || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("not a JSON reply (%s): %s", resp.Header.Get("Content-Type"), body)
			}
		})
	}
}
