// Command loadtest measures a UnionHub node under load with vegeta: it
// starts, in this process, an embedded node (on the configured database
// and cache: the embedded default, or MariaDB and Redis as `unionhub
// serve` reads them from UNIONHUB_* variables), the fake WeChat server
// and two reference handlers, then runs each scenario for --duration,
// alternating with its reference in --rounds slices, and reports its
// requests per second as a ratio to its reference, with p50/p95/p99. The
// database must have been filled by `unionhub seed-bench` with the same
// configuration. Everything listens on loopback ports only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/config"
)

const allScenarios = "verify,redeem,card,queue,queue-overdue,overview,login,mixed"

// The process decides gin's mode once: release (no debug route listing,
// no debug warnings), in every subcommand and in its tests.
func init() { gin.SetMode(gin.ReleaseMode) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML configuration file (UNIONHUB_* variables win, as for unionhub serve)")
	names := fs.String("scenarios", allScenarios, "comma-separated scenarios to run")
	duration := fs.Duration("duration", 10*time.Second, "how long each scenario runs")
	rate := fs.Int("rate", 0, "requests per second; 0 sends as fast as --workers allow")
	workers := fs.Int("workers", 32, "concurrent connections")
	members := fs.Int("members", 5000, "members given a WeChat user (whose cards are verified)")
	sessions := fs.Int("sessions", 500, "members logged in for GET /me/card")
	tokens := fs.Int("tokens", 50000, "distinct card tokens for verify and redeem")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the scenario runs (and the reference slices between them) to this file")
	memProfile := fs.String("memprofile", "", "write the allocation profile to this file (and one taken before the runs to this file + \".before\", for pprof -base)")
	rounds := fs.Int("rounds", 5, "slices each scenario and its reference alternate in")
	logLevel := fs.String("log-level", "error", "the node's log level")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > 10*time.Minute || *workers < 1 || *rate < 0 || *tokens < 2 || *members < 1 ||
		*rounds < 1 || *duration/time.Duration(*rounds) < 100*time.Millisecond {
		return errors.New("--duration must be within (0, 10m], --workers ≥ 1, --rate ≥ 0, --tokens ≥ 2, --members ≥ 1, " +
			"--rounds ≥ 1 with slices of at least 100ms")
	}
	cfg, err := config.Load(*configPath, os.LookupEnv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	// Every request comes from one loopback address: the per-IP limit
	// would refuse nearly all of them.
	cfg.RateLimitPerIP = 1 << 30
	var level slog.Level
	_ = level.UnmarshalText([]byte(*logLevel))
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	n, err := startTarget(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer n.Close()
	refURL, stopRef, err := serveLoopback(referenceHandler(n.Cards.PublicKeys()))
	if err != nil {
		return err
	}
	defer stopRef()
	fmt.Fprintf(stderr, "loadtest: node %s (db %s, cache %s), reference %s; preparing fixtures\n",
		n.URL, cfg.DB.Driver, cacheName(cfg.Redis.Addr), refURL)
	setupStart := time.Now()
	f, err := setup(ctx, n, setupOptions{Members: *members, Sessions: *sessions, Tokens: *tokens})
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	if err := sanity(ctx, n.URL, f); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "loadtest: %d tokens, %d sessions ready in %s\n", len(f.Tokens), len(f.Sessions),
		time.Since(setupStart).Round(time.Millisecond))

	all := scenarios(f, n.URL, refURL)
	var selected []string
	for _, s := range strings.Split(*names, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if _, ok := all[s]; !ok || strings.HasPrefix(s, "ref-") {
			return fmt.Errorf("unknown scenario %q (known: %s)", s, allScenarios)
		}
		selected = append(selected, s)
	}
	if err := queueSanity(ctx, n.URL, f, selected); err != nil {
		return err
	}
	// The profile covers the scenarios, not the references.
	profiling, stopProfile := false, func() {}
	profile := func() error {
		if *cpuProfile == "" || profiling {
			return nil
		}
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return err
		}
		profiling = true
		stopProfile = func() { pprof.StopCPUProfile(); pf.Close() }
		return nil
	}
	defer func() { stopProfile() }()
	// A scenario and its reference run in alternating slices, so that both
	// meet the machine in the same state (a shared or throttled machine
	// changes speed within seconds); the ratio compares the two.
	o := attackOptions{Duration: *duration, Rate: *rate, Workers: *workers}
	slice := *duration / time.Duration(*rounds)
	refTotals := map[string]*tally{}
	refCounters := map[string]*atomic.Uint64{}
	var refOrder []string
	var results []result
	// The allocation profile holds totals since the start: a snapshot
	// before the runs lets pprof -base leave out the fixtures.
	if *memProfile != "" {
		if err := writeAllocs(*memProfile + ".before"); err != nil {
			return err
		}
	}
	for _, name := range selected {
		s := all[name]
		if ctx.Err() != nil {
			break
		}
		var paired *tally
		if s.reference != "" {
			if refTotals[s.reference] == nil {
				refTotals[s.reference], refCounters[s.reference] = &tally{}, &atomic.Uint64{}
				refOrder = append(refOrder, s.reference)
			}
			paired = &tally{}
		}
		fmt.Fprintf(stderr, "loadtest: running %s for %s (and %s), in %d slices\n", name, *duration, s.reference, *rounds)
		if err := profile(); err != nil {
			return err
		}
		own, n := &tally{}, &atomic.Uint64{}
		for i := 0; i < *rounds && ctx.Err() == nil; i++ {
			if paired != nil {
				feed(all[s.reference].base, all[s.reference], o, slice, refCounters[s.reference], paired, refTotals[s.reference])
			}
			feed(s.base, s, o, slice, n, own)
		}
		r := own.result(name, s.reference)
		if paired != nil && paired.rps() > 0 {
			r.RefRPS = round(paired.rps())
			r.Ratio = float64(int(r.RPS/r.RefRPS*1000+0.5)) / 1000
		}
		results = append(results, r)
	}
	for _, name := range refOrder {
		results = append(results, refTotals[name].result(name, ""))
	}
	if *memProfile != "" {
		if err := writeAllocs(*memProfile); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "loadtest: allocations of the runs: go tool pprof -sample_index=alloc_space -base %s.before %s\n",
			*memProfile, *memProfile)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	runInfo := map[string]any{"db": cfg.DB.Driver, "cache": cacheName(cfg.Redis.Addr), "duration": duration.String(),
		"rate": *rate, "workers": *workers, "tokens": len(f.Tokens), "cpus": runtime.NumCPU(),
		"loadavg": strings.TrimSpace(string(load)), "finished_at": time.Now().UTC().Format(time.RFC3339)}
	if *asJSON {
		return writeJSON(stdout, runInfo, results)
	}
	info, _ := json.Marshal(runInfo)
	fmt.Fprintln(stdout, string(info))
	writeTable(stdout, results)
	return nil
}

func cacheName(addr string) string {
	if addr == "" {
		return "memory"
	}
	return "redis " + addr
}

// sanity checks that the fixtures do what the scenarios assume: a token
// verifies as valid and a redemption is written.
func sanity(ctx context.Context, base string, f *fixtures) error {
	var v struct {
		Valid      bool   `json:"valid"`
		Reason     string `json:"reason"`
		Redemption *struct {
			ID string `json:"id"`
		} `json:"redemption"`
	}
	if err := call(ctx, base, "POST", "/api/v1/verify", f.Verifier, map[string]string{"token": f.Tokens[0]}, &v); err != nil {
		return err
	}
	if !v.Valid {
		return fmt.Errorf("sanity: a minted token does not verify (%s)", v.Reason)
	}
	body := map[string]string{"token": f.Tokens[len(f.Tokens)-1], "benefit_id": f.BenefitID}
	if err := call(ctx, base, "POST", "/api/v1/verify", f.Verifier, body, &v); err != nil {
		return err
	}
	if !v.Valid || v.Redemption == nil {
		return fmt.Errorf("sanity: redeeming wrote no redemption (%s)", v.Reason)
	}
	return nil
}

// writeAllocs writes the allocation profile as it stands (after a GC, as
// pprof's allocation profiles are as of the last one).
func writeAllocs(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
