package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesBadHolidaysFile: a holidays file that cannot be read or
// is wrong stops serve at start, naming the setting and the bad entry.
func TestServeRefusesBadHolidaysFile(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"missing", "/nonexistent/holidays.yaml", []string{"UNIONHUB_HOLIDAYS_FILE", "/nonexistent/holidays.yaml"}},
		{"make-up day on a weekday", "testdata/holidays-bad.yaml",
			[]string{"UNIONHUB_HOLIDAYS_FILE", "years.2027.workdays", "2027-02-03"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"UNIONHUB_HOLIDAYS_FILE": tc.file, "UNIONHUB_DATA_DIR": t.TempDir(),
				"UNIONHUB_HTTP_ADDR": "127.0.0.1:0"}
			// Should serve start after all, the deadline stops it and the test fails.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out lockedBuffer
			err := run(ctx, []string{"serve"}, env{stdout: &out, stderr: &out, lookup: lookupFrom(vars)})
			if err == nil {
				t.Fatal("serve started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %s: %v", w, err)
				}
			}
		})
	}
}
