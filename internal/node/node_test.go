package node

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
)

// TestMetricsShowLostVerificationRecords: a node's /metrics carries the
// verification log's lost-record counter, each reason from zero.
func TestMetricsShowLostVerificationRecords(t *testing.T) {
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	cfg, err := config.Load("", func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(context.Background(), cfg, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	rec := httptest.NewRecorder()
	n.Router.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	for _, reason := range []string{"queue_full", "write_failed", "closed"} {
		series := `unionhub_verification_records_lost_total{reason="` + reason + `"} 0`
		if !strings.Contains(rec.Body.String(), series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
}
