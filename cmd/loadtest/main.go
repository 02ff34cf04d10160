// Command loadtest measures a UnionHub node under load with vegeta. By
// default it starts, in this process, an embedded node (on the configured
// database and cache: the embedded default, or MariaDB and Redis as
// `unionhub serve` reads them from UNIONHUB_* variables), the fake WeChat
// server and two reference handlers. With --external URL it drives a
// separately started `unionhub serve` (the shipped binary) over HTTP
// instead, preparing the fixtures beside it on the same database and Redis,
// and serves the references from a child process of its own. Either way it
// runs each scenario after --warmup, alternating with its reference in
// --rounds slices, and reports its requests per second as the median of
// the per-round ratios to its reference, with p50/p95/p99 and the first
// round against the later ones. The database must have been filled by
// `unionhub seed-bench` with the same configuration. Everything listens on
// loopback ports only.
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
	duration := fs.Duration("duration", 10*time.Second, "how long each scenario runs (measured)")
	warmup := fs.Duration("warmup", 3*time.Second, "how long each scenario and its reference run, unmeasured, before the rounds")
	rate := fs.Int("rate", 0, "requests per second; 0 sends as fast as --workers allow")
	workers := fs.Int("workers", 32, "concurrent connections")
	members := fs.Int("members", 5000, "members given a WeChat user (whose cards are verified)")
	sessions := fs.Int("sessions", 500, "members logged in for GET /me/card")
	tokens := fs.Int("tokens", 50000, "distinct card tokens for verify and redeem")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the scenario runs to this file (of this process; with --external, of the server, through --pprof)")
	memProfile := fs.String("memprofile", "", "write the allocation profile to this file (and one taken before the runs to this file + \".before\", for pprof -base)")
	rounds := fs.Int("rounds", 5, "slices each scenario and its reference alternate in")
	logLevel := fs.String("log-level", "error", "the in-process node's log level")
	external := fs.String("external", "", "drive the `unionhub serve` at this base URL (http://127.0.0.1:8080) instead of an in-process node; "+
		"it must run on the same database, Redis (and DB number) and UNIONHUB_DATA_DIR")
	pprofURL := fs.String("pprof", "", "with --external: the server's metrics listener (http://127.0.0.1:9100, `unionhub serve --pprof`), "+
		"where --cpuprofile and --memprofile are taken from")
	serveRef := fs.Bool("serve-reference", false, "internal: serve the references for the card keys read from stdin, print their URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serveRef {
		return serveReference(ctx, os.Stdin, stdout)
	}
	if *duration <= 0 || *duration > 10*time.Minute || *workers < 1 || *rate < 0 || *tokens < 2 || *members < 1 ||
		*rounds < 1 || *duration/time.Duration(*rounds) < 100*time.Millisecond || *warmup < 0 || *warmup > time.Minute {
		return errors.New("--duration must be within (0, 10m], --workers ≥ 1, --rate ≥ 0, --tokens ≥ 2, --members ≥ 1, " +
			"--rounds ≥ 1 with slices of at least 100ms, --warmup within [0, 1m]")
	}
	cfg, err := config.Load(*configPath, os.LookupEnv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ext := externalOptions{URL: *external, Pprof: *pprofURL, CPUProfile: *cpuProfile, MemProfile: *memProfile}
	if err := ext.validate(cfg); err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(*logLevel))
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	var n *target
	var refURL string
	// In external mode the server's CPU time (from its metrics listener)
	// and the reference process's are measured around their slices: CPU
	// per request does not depend on what else the machine runs.
	var serverMeter, refMeter cpuMeter
	if ext.URL == "" {
		// Every request comes from one loopback address: the per-IP limit
		// would refuse nearly all of them.
		cfg.RateLimitPerIP = 1 << 30
		if n, err = startTarget(ctx, cfg, log); err != nil {
			return err
		}
		defer n.Close()
		url, stopRef, err := serveLoopback(referenceHandler(n.Cards.PublicKeys()))
		if err != nil {
			return err
		}
		defer stopRef()
		refURL = url
	} else {
		if n, err = openBeside(ctx, cfg, log, ext.URL); err != nil {
			return err
		}
		defer n.Close()
		url, stopRef, pid, err := startReferenceProcess(ctx, n.Cards.PublicKeys(), stderr)
		if err != nil {
			return err
		}
		defer stopRef()
		refURL, refMeter = url, procCPU(pid)
		if ext.Pprof != "" {
			serverMeter = serverCPU(ext.Pprof)
		}
	}
	mode := "in-process node"
	if ext.URL != "" {
		mode = "external server"
	}
	fmt.Fprintf(stderr, "loadtest: %s %s (db %s, cache %s), reference %s; preparing fixtures\n",
		mode, n.URL, cfg.DB.Driver, cacheName(cfg.Redis.Addr), refURL)
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
	prof := newProfiler(ext, *cpuProfile, *memProfile, stderr)
	defer prof.stop()
	// A scenario and its reference run in alternating slices, so that both
	// meet the machine in the same state (a shared or throttled machine
	// changes speed within seconds); each round's ratio compares the two,
	// and the scenario's ratio is the median of its rounds'.
	o := attackOptions{Duration: *duration, Rate: *rate, Workers: *workers}
	slice := *duration / time.Duration(*rounds)
	refTotals := map[string]*tally{}
	refCPU := map[string]*cpuUse{}
	refCounters := map[string]*atomic.Uint64{}
	var refOrder []string
	var results []result
	// The allocation profile holds totals since the start: a snapshot
	// before the runs lets pprof -base leave out the fixtures.
	if err := prof.allocsBefore(ctx); err != nil {
		return err
	}
	for i, name := range selected {
		s := all[name]
		if ctx.Err() != nil {
			break
		}
		var paired *tally
		if s.reference != "" {
			if refTotals[s.reference] == nil {
				refTotals[s.reference], refCounters[s.reference] = &tally{}, &atomic.Uint64{}
				refCPU[s.reference] = &cpuUse{meter: refMeter}
				refOrder = append(refOrder, s.reference)
			}
			paired = &tally{}
		}
		own, n := &tally{}, &atomic.Uint64{}
		if *warmup > 0 {
			fmt.Fprintf(stderr, "loadtest: warming up %s (and %s) for %s\n", name, s.reference, *warmup)
			if paired != nil {
				feed(all[s.reference].base, all[s.reference], o, *warmup, refCounters[s.reference])
			}
			feed(s.base, s, o, *warmup, n)
		}
		fmt.Fprintf(stderr, "loadtest: running %s for %s (and %s), in %d slices\n", name, *duration, s.reference, *rounds)
		// The profile covers the measured slices of every scenario from
		// here on (an external server is idle during the references').
		left := time.Duration(len(selected)-i) * *duration
		if paired != nil {
			left *= 2
		}
		left += time.Duration(len(selected)-i-1) * 2 * *warmup
		if err := prof.startCPU(ctx, left); err != nil {
			return err
		}
		var rs []round
		ownCPU, pairedCPU := &cpuUse{meter: serverMeter}, &cpuUse{meter: refMeter}
		ownGen, pairedGen := &cpuUse{meter: procCPU(os.Getpid())}, &cpuUse{meter: procCPU(os.Getpid())}
		for i := 0; i < *rounds && ctx.Err() == nil; i++ {
			var ownRound, refRound tally
			if paired != nil {
				ref := all[s.reference]
				pairedCPU.around(ctx, func() {
					pairedGen.around(ctx, func() {
						feed(ref.base, ref, o, slice, refCounters[s.reference], paired, refTotals[s.reference], &refRound)
					})
				})
			}
			ownCPU.around(ctx, func() {
				ownGen.around(ctx, func() { feed(s.base, s, o, slice, n, own, &ownRound) })
			})
			rs = append(rs, newRound(ownRound.rps(), refRound.rps(), ownRound.m.Latencies.P99))
		}
		r := own.result(name, s.reference)
		r.CPUMicros = ownCPU.perRequest(r.Requests)
		r.GenCPUMicros = ownGen.perRequest(r.Requests)
		if paired != nil && paired.rps() > 0 {
			r.RefRPS = round1(paired.rps())
			r.RefCPUMicros = pairedCPU.perRequest(paired.m.Requests)
			r.RefGenCPUMicros = pairedGen.perRequest(paired.m.Requests)
			refCPU[s.reference].seconds += pairedCPU.seconds
		}
		r.summarize(rs, paired != nil)
		results = append(results, r)
	}
	for _, name := range refOrder {
		r := refTotals[name].result(name, "")
		r.CPUMicros = refCPU[name].perRequest(r.Requests)
		results = append(results, r)
	}
	if err := prof.finish(ctx); err != nil {
		return err
	}
	load, _ := os.ReadFile("/proc/loadavg")
	runInfo := map[string]any{"mode": mode, "target": n.URL, "db": cfg.DB.Driver, "cache": cacheName(cfg.Redis.Addr),
		"duration": duration.String(), "warmup": warmup.String(), "rounds": *rounds,
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
