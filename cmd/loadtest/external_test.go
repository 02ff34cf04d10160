package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/unionhub/unionhub/config"
)

// TestExternalOptions: the external mode refuses what it cannot measure
// with a message naming the flag or setting.
func TestExternalOptions(t *testing.T) {
	shared := config.Config{}
	shared.DB.Driver, shared.Redis.Addr = "mysql", "127.0.0.1:6379"
	noRedis := shared
	noRedis.Redis.Addr = ""
	sqlite := shared
	sqlite.DB.Driver = "sqlite"
	for _, tc := range []struct {
		name string
		o    externalOptions
		cfg  config.Config
		want string // "" is accepted
	}{
		{"in-process", externalOptions{}, sqlite, ""},
		{"in-process with a CPU profile", externalOptions{CPUProfile: "cpu.prof"}, sqlite, ""},
		{"external", externalOptions{URL: "http://127.0.0.1:8080"}, shared, ""},
		{"external, trailing slash", externalOptions{URL: "http://127.0.0.1:8080/"}, shared, ""},
		{"external with profiles", externalOptions{URL: "http://127.0.0.1:8080", Pprof: "http://127.0.0.1:9100",
			CPUProfile: "cpu.prof", MemProfile: "mem.prof"}, shared, ""},
		{"--pprof without --external", externalOptions{Pprof: "http://127.0.0.1:9100"}, shared, "needs --external"},
		{"no scheme", externalOptions{URL: "127.0.0.1:8080"}, shared, "--external must be a base URL"},
		{"another scheme", externalOptions{URL: "ftp://127.0.0.1:8080"}, shared, "--external must be a base URL"},
		{"a path", externalOptions{URL: "http://127.0.0.1:8080/api/v1"}, shared, "--external must be a base URL"},
		{"a query", externalOptions{URL: "http://127.0.0.1:8080?x=1"}, shared, "--external must be a base URL"},
		{"no host", externalOptions{URL: "http://"}, shared, "--external must be a base URL"},
		{"bad --pprof", externalOptions{URL: "http://127.0.0.1:8080", Pprof: "127.0.0.1:9100"}, shared, "--pprof must be a base URL"},
		{"CPU profile without --pprof", externalOptions{URL: "http://127.0.0.1:8080", CPUProfile: "cpu.prof"}, shared, "--pprof"},
		{"allocations without --pprof", externalOptions{URL: "http://127.0.0.1:8080", MemProfile: "mem.prof"}, shared, "--pprof"},
		{"embedded database", externalOptions{URL: "http://127.0.0.1:8080"}, sqlite, "UNIONHUB_DB_DRIVER=mysql"},
		{"in-process cache", externalOptions{URL: "http://127.0.0.1:8080"}, noRedis, "UNIONHUB_REDIS_ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.validate(tc.cfg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestRunRefusesBadArguments: run checks its flags before it opens
// anything (the environment names no database: the embedded default).
func TestRunRefusesBadArguments(t *testing.T) {
	t.Setenv("UNIONHUB_DATA_DIR", t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--external", "http://127.0.0.1:1"}, "UNIONHUB_DB_DRIVER=mysql"},
		{[]string{"--external", "localhost:8080"}, "--external must be a base URL"},
		{[]string{"--pprof", "http://127.0.0.1:9100"}, "needs --external"},
		{[]string{"--warmup", "-1s"}, "--warmup"},
		{[]string{"--warmup", "2m"}, "--warmup"},
		{[]string{"--rounds", "0"}, "--rounds"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestSummarize: a scenario's ratio is the median of its rounds' ratios,
// and the first round is compared with the median of the later ones.
func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		rounds               []round
		paired               bool
		ratio, first, firstR float64
	}{
		{"three rounds", []round{newRound(300, 1000, 0), newRound(600, 1000, 0), newRound(700, 1000, 0)}, true, 0.6, 0.462, 0.462},
		// The machine was slow in the first round for both: the ratio
		// says the node was not.
		{"slow machine first", []round{newRound(300, 500, 0), newRound(600, 1000, 0), newRound(600, 1000, 0)}, true, 0.6, 1, 0.5},
		// The first round was the fastest: it is compared as it was.
		{"fast first", []round{newRound(1080, 1000, 0), newRound(730, 1000, 0), newRound(660, 1000, 0)}, true, 0.73, 1.554, 1.554},
		{"four rounds", []round{newRound(400, 1000, 0), newRound(500, 1000, 0), newRound(600, 1000, 0), newRound(700, 1000, 0)},
			true, 0.55, 0.667, 0.667},
		{"no reference", []round{newRound(450, 0, 0), newRound(500, 0, 0)}, false, 0, 0.9, 0.9},
		{"one round", []round{newRound(450, 1000, 0)}, true, 0.45, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r result
			r.summarize(tc.rounds, tc.paired)
			if r.Ratio != tc.ratio || r.FirstVsLater != tc.first || r.FirstRPSVsLater != tc.firstR || len(r.Rounds) != len(tc.rounds) {
				t.Fatalf("ratio %v, first/later %v (req/s %v); want %v, %v (%v)", r.Ratio, r.FirstVsLater, r.FirstRPSVsLater,
					tc.ratio, tc.first, tc.firstR)
			}
		})
	}
}

// TestCPUMeters: the server's CPU time comes from its metrics listener,
// the reference process's from /proc; cpuUse adds what a slice spent.
func TestCPUMeters(t *testing.T) {
	var cpu atomic.Value
	cpu.Store("1.5")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "# HELP process_cpu_seconds_total x\nprocess_cpu_seconds_total_other 9\nprocess_cpu_seconds_total %s\n", cpu.Load())
	}))
	defer srv.Close()
	u := &cpuUse{meter: serverCPU(srv.URL + "/")}
	u.around(context.Background(), func() { cpu.Store("2.25") })
	if u.failed != nil || u.seconds != 0.75 || u.perRequest(1000) != 750 {
		t.Fatalf("server: %v s (%v), %v µs/request; want 0.75 s, 750 µs", u.seconds, u.failed, u.perRequest(1000))
	}
	if _, err := serverCPU(srv.URL + "/nothing")(context.Background()); err == nil {
		t.Error("a listener without the metric: no error")
	}
	self, err := procCPU(os.Getpid())(context.Background())
	if err != nil || self < 0 {
		t.Fatalf("/proc: %v, %v", self, err)
	}
	if _, err := procCPU(1 << 30)(context.Background()); err == nil {
		t.Error("no such process: no error")
	}
	var none *cpuUse
	none.around(context.Background(), func() {})
	if none.perRequest(10) != 0 {
		t.Error("no meter: a figure")
	}
}
