package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address no one listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestPprofOnlyOnMetricsListener: `serve --pprof` serves /debug/pprof/ on
// the metrics listener and never on the API's; without --pprof neither
// serves it; --pprof without a metrics listener is refused.
func TestPprofOnlyOnMetricsListener(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		metrics    bool
		wantPprof  int // on the metrics listener
		wantRefuse string
	}{
		{"--pprof", []string{"--pprof"}, true, http.StatusOK, ""},
		{"no --pprof", nil, true, http.StatusNotFound, ""},
		{"--pprof without a metrics listener", []string{"--pprof"}, false, 0, "UNIONHUB_METRICS_ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
			if tc.wantRefuse != "" {
				cmd := exec.Command(os.Args[0], append([]string{"serve"}, tc.args...)...)
				cmd.Env = procEnv(vars)
				out, err := cmd.CombinedOutput()
				if err == nil || !strings.Contains(string(out), tc.wantRefuse) {
					t.Fatalf("got %v, %s; want a refusal naming %s", err, out, tc.wantRefuse)
				}
				return
			}
			metrics := freeAddr(t)
			vars["UNIONHUB_METRICS_ADDR"] = metrics
			p := startServeArgs(t, vars, tc.args...)
			for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
				if got := get(t, p.base+path); got != http.StatusNotFound {
					t.Errorf("API %s: %d; want 404", path, got)
				}
			}
			for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap"} {
				if got := get(t, "http://"+metrics+path); got != tc.wantPprof {
					t.Errorf("metrics listener %s: %d; want %d", path, got, tc.wantPprof)
				}
			}
			if got := get(t, "http://"+metrics+"/metrics"); got != http.StatusOK {
				t.Errorf("/metrics: %d", got)
			}
		})
	}
}

// TestAccessLogLosesNoLineAtShutdown: the log is buffered, yet every
// request a server answered before SIGTERM has its access-log line, whole,
// in the process's output once it has exited, the last ones too.
func TestAccessLogLosesNoLineAtShutdown(t *testing.T) {
	p := startServe(t, map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()})
	const n = 300
	want := map[int]int{}
	for i := range n {
		path, status := "/healthz", http.StatusOK
		if i%4 == 0 {
			path, status = fmt.Sprintf("/api/v1/no-such-route-%d", i), http.StatusNotFound
		}
		req, _ := http.NewRequest("GET", p.base+path, nil)
		req.Header.Set("X-Request-ID", fmt.Sprintf("flush-test-%d", i)) // not the start's health checks
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		want[status]++
	}
	// At once: the last lines are still in the buffer.
	p.stop(10 * time.Second)
	if p.err != nil {
		t.Fatalf("serve: %v", p.err)
	}
	got, lines := map[int]int{}, 0
	for l := range strings.SplitSeq(p.logs.String(), "\n") {
		if l == "" {
			continue
		}
		var rec struct {
			Msg       string `json:"msg"`
			Status    int    `json:"status"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("torn log line %q: %v", l, err)
		}
		if rec.Msg == "request" && strings.HasPrefix(rec.RequestID, "flush-test-") {
			lines++
			got[rec.Status]++
		}
	}
	if lines != n || got[http.StatusOK] != want[http.StatusOK] || got[http.StatusNotFound] != want[http.StatusNotFound] {
		t.Fatalf("%d access-log lines (%v); want %d (%v)", lines, got, n, want)
	}
	if !strings.Contains(p.logs.String(), `"msg":"stopped"`) {
		t.Error("no line after the shutdown")
	}
}

// startServeArgs is startServe with serve's flags.
func startServeArgs(t *testing.T, vars map[string]string, args ...string) *proc {
	t.Helper()
	return startServeBinary(t, os.Args[0], vars, args...)
}
