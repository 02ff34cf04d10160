package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartLogTellsEmbeddedFake: the configuration logged at start says
// wechat.fake=true when the embedded fake WeChat runs (issue 16: it said
// false right after "using the embedded fake WeChat server"); and Ctrl-C
// (SIGINT) stops the server cleanly. A child process: the WeChat HTTP
// client is process-wide, and the embedded fake's address is its own.
func TestStartLogTellsEmbeddedFake(t *testing.T) {
	p := startServe(t, map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()})
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if p.err != nil {
		t.Errorf("exit after SIGINT: %v", p.err)
	}
	logs := p.logs.String()
	var starting string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"starting unionhub"`) {
			starting = line
		}
	}
	if !strings.Contains(logs, "using the embedded fake WeChat server") || !strings.Contains(starting, "wechat.fake=true") {
		t.Errorf("start-up log does not say the fake runs:\n%s", logs)
	}
	if !strings.Contains(logs, `"stopped"`) {
		t.Errorf("no clean stop after SIGINT:\n%s", logs)
	}
}

// TestStatsReportFlags: a bad --month or --org is named with its format,
// and without --out the report goes under the data dir, never into the
// working directory (issue 16).
func TestStatsReportFlags(t *testing.T) {
	cli, vars, _ := cliOnSQLite(t)
	out, err := cli("seed-demo")
	if err != nil {
		t.Fatal(err)
	}
	var seeded struct {
		OrgID string `json:"org_id"`
	}
	if err := json.Unmarshal([]byte(out), &seeded); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // in the error; "" for success
	}{
		{"month with a slash", []string{"--org", seeded.OrgID, "--month", "11/2026"}, "--month must be a month as YYYY-MM"},
		{"month 13", []string{"--org", seeded.OrgID, "--month", "2026-13"}, "--month must be a month as YYYY-MM"},
		{"no month", []string{"--org", seeded.OrgID}, "--month must be a month as YYYY-MM"},
		{"org not a number", []string{"--org", "湖北", "--month", "2026-11"}, "--org must be an org id"},
		{"default file", []string{"--org", seeded.OrgID, "--month", "2026-11"}, ""},
	}
	wd, _ := os.Getwd()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := cli(append([]string{"stats", "report"}, tc.args...)...)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want one saying %q", err, tc.want)
				}
				return
			}
			var res struct {
				File string `json:"file"`
			}
			if err != nil || json.Unmarshal([]byte(out), &res) != nil {
				t.Fatalf("report: %q, %v", out, err)
			}
			want := filepath.Join(vars["UNIONHUB_DATA_DIR"], "reports", "report-"+seeded.OrgID+"-2026-11.xlsx")
			if res.File != want {
				t.Errorf("file %s, want %s", res.File, want)
			}
			if _, err := os.Stat(want); err != nil {
				t.Error(err)
			}
			if _, err := os.Stat(filepath.Join(wd, "report-"+seeded.OrgID+"-2026-11.xlsx")); err == nil {
				t.Error("report written into the working directory")
			}
		})
	}
}
