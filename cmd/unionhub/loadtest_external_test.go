package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// loadtestReport is what `loadtest --json` prints that the test checks.
type loadtestReport struct {
	Mode    string `json:"mode"`
	Tokens  int    `json:"tokens"`
	Results []struct {
		Scenario    string         `json:"scenario"`
		Reference   string         `json:"reference"`
		Requests    uint64         `json:"requests"`
		RPS         float64        `json:"rps"`
		Ratio       float64        `json:"ratio"`
		Success     float64        `json:"success"`
		StatusCodes map[string]int `json:"status_codes"`
		Rounds      []struct {
			Ratio float64 `json:"ratio"`
		} `json:"rounds"`
	} `json:"results"`
}

// TestExternalLoadTestRunsTwice (issue 18): `loadtest --external` against
// one `unionhub serve` runs again right after a first run. The server's
// embedded fake WeChat refuses a login code it has seen, and the fixtures
// (logins, role bindings, member users, the benefit, card tokens) are
// prepared afresh on the database the first run left behind.
func TestExternalLoadTestRunsTwice(t *testing.T) {
	dsn := os.Getenv(modeltest.EnvMySQLDSN)
	if dsn == "" || os.Getenv(cachetest.RedisAddrEnv) == "" {
		t.Skip("the external load test needs MariaDB and Redis (it refuses the embedded database and cache): set " +
			modeltest.EnvMySQLDSN + " and " + cachetest.RedisAddrEnv)
	}
	start := time.Now()
	redis := cachetest.StartServer(t) // private: no other test's keys
	vars := map[string]string{
		"UNIONHUB_DATA_DIR":          t.TempDir(),
		"UNIONHUB_DB_DRIVER":         model.DialectMySQL,
		"UNIONHUB_DB_DSN":            modeltest.DSNFor(t, modeltest.Backend{Name: "mysql", Driver: model.DialectMySQL, DSN: dsn}),
		"UNIONHUB_REDIS_ADDR":        redis.Addr,
		"UNIONHUB_RATE_LIMIT_PER_IP": "1000000", // every request comes from one loopback address
	}
	// The load test builds while seed-bench migrates and fills.
	loadtest := filepath.Join(t.TempDir(), "loadtest")
	build := exec.Command("go", "build", "-o", loadtest, "../loadtest")
	var buildOut bytes.Buffer
	build.Stdout, build.Stderr = &buildOut, &buildOut
	if err := build.Start(); err != nil {
		t.Fatal(err)
	}
	var seeded benchSummary
	out := runProc(t, vars, "seed-bench", "--unions", "5", "--members", "200", "--applications", "50")
	if err := build.Wait(); err != nil {
		t.Fatalf("go build loadtest: %v\n%s", err, buildOut.String())
	}
	if err := json.Unmarshal([]byte(out), &seeded); err != nil || seeded.Members != 200 {
		t.Fatalf("seed-bench: %+v, %v\n%s", seeded, err, out)
	}
	t.Logf("seeded and built in %s", time.Since(start).Round(time.Millisecond))
	p := startServeBinary(t, plainBinary(t), vars)
	t.Logf("serving after %s", time.Since(start).Round(time.Millisecond))

	for run := 1; run <= 2; run++ {
		runStart := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, loadtest, "--external", p.base, "--json", "--scenarios", "verify,card",
			"--warmup", "0s", "--duration", "1s", "--rounds", "2", "--workers", "2",
			"--members", "50", "--sessions", "10", "--tokens", "100")
		cmd.Env = procEnv(vars)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, stderr.String())
		}
		var rep loadtestReport
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, stdout.String())
		}
		checkLoadtestReport(t, "run "+strconv.Itoa(run), rep)
		t.Logf("run %d took %s", run, time.Since(runStart).Round(time.Millisecond))
	}
}

// checkLoadtestReport wants the verify and card scenarios and their two
// references, every request of the scenarios answered 200 and both rounds
// measured against the reference.
func checkLoadtestReport(t *testing.T, name string, rep loadtestReport) {
	t.Helper()
	if rep.Mode != "external server" || rep.Tokens != 100 {
		t.Fatalf("%s: mode %q, %d tokens; want the external server, 100 tokens", name, rep.Mode, rep.Tokens)
	}
	want := map[string]string{"verify": "ref-sig", "card": "ref-json", "ref-sig": "", "ref-json": ""}
	if len(rep.Results) != len(want) {
		t.Fatalf("%s: %d results; want %d", name, len(rep.Results), len(want))
	}
	for _, r := range rep.Results {
		ref, ok := want[r.Scenario]
		if !ok || r.Reference != ref {
			t.Fatalf("%s: scenario %q against %q; want one of %v", name, r.Scenario, r.Reference, want)
		}
		if r.Requests == 0 || r.Success != 100 || r.RPS <= 0 || r.StatusCodes["200"] != int(r.Requests) {
			t.Errorf("%s %s: %d requests, %v%% success, %v req/s, statuses %v; want all 200",
				name, r.Scenario, r.Requests, r.Success, r.RPS, r.StatusCodes)
		}
		if ref != "" && (r.Ratio <= 0 || len(r.Rounds) != 2) {
			t.Errorf("%s %s: ratio %v over %d rounds; want a ratio over 2 rounds", name, r.Scenario, r.Ratio, len(r.Rounds))
		}
	}
}
