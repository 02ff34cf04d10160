package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// request is one request a scenario sends.
type request struct {
	method, path, token string
	body                []byte
}

// scenario is a named stream of requests and the reference it is
// measured against.
type scenario struct {
	name, reference, base string
	next                  func(i uint64) request
}

// attackOptions bound every run.
type attackOptions struct {
	Duration time.Duration
	Rate     int // requests per second; 0 is as fast as Workers allow
	Workers  int
}

// result is one scenario's figures.
type result struct {
	Scenario    string         `json:"scenario"`
	Reference   string         `json:"reference,omitempty"`
	Requests    uint64         `json:"requests"`
	RPS         float64        `json:"rps"` // successful requests per second
	RefRPS      float64        `json:"reference_rps,omitempty"`
	Ratio       float64        `json:"ratio,omitempty"`
	Success     float64        `json:"success"`
	P50MS       float64        `json:"p50_ms"`
	P95MS       float64        `json:"p95_ms"`
	P99MS       float64        `json:"p99_ms"`
	StatusCodes map[string]int `json:"status_codes"`
	Errors      []string       `json:"errors,omitempty"`
	// Rounds are the measured slices, in order; Ratio is the median of
	// their ratios.
	Rounds []round `json:"rounds,omitempty"`
	// FirstVsLater is the first round's ratio to its reference (its req/s
	// without one) over the median of the later rounds'; FirstRPSVsLater
	// compares req/s only (the machine's speed changes too).
	FirstVsLater    float64 `json:"first_vs_later,omitempty"`
	FirstRPSVsLater float64 `json:"first_rps_vs_later,omitempty"`
	// CPUMicros is the process's CPU time per request (external mode,
	// the server's read from its metrics listener); RefCPUMicros the
	// reference process's in the paired slices.
	CPUMicros    float64 `json:"cpu_us_per_request,omitempty"`
	RefCPUMicros float64 `json:"reference_cpu_us_per_request,omitempty"`
	// GenCPUMicros is the load generator's own CPU time per request in
	// the scenario's slices, RefGenCPUMicros in its reference's: on a
	// shared machine the generator's share moves the ratio too.
	GenCPUMicros    float64 `json:"generator_cpu_us_per_request,omitempty"`
	RefGenCPUMicros float64 `json:"reference_generator_cpu_us_per_request,omitempty"`
}

// tally accumulates the slices of one scenario's run: its latencies and
// status codes, and the successful requests over the time its slices took
// (vegeta's own throughput would count the time between slices too).
type tally struct {
	m     vegeta.Metrics
	ok    uint64
	spent time.Duration
}

// feed runs s against base for d, continuing s's request sequence at *n,
// and adds what it saw to every tally given.
func feed(base string, s scenario, o attackOptions, d time.Duration, n *atomic.Uint64, into ...*tally) {
	targeter := func(t *vegeta.Target) error {
		r := s.next(n.Add(1) - 1)
		t.Method, t.URL, t.Body = r.method, base+r.path, r.body
		t.Header = http.Header{}
		if r.body != nil {
			t.Header.Set("Content-Type", "application/json")
		}
		if r.token != "" {
			t.Header.Set("Authorization", "Bearer "+r.token)
		}
		return nil
	}
	w := uint64(o.Workers)
	a := vegeta.NewAttacker(vegeta.Workers(w), vegeta.MaxWorkers(w), vegeta.Connections(o.Workers),
		vegeta.MaxConnections(o.Workers), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	start := time.Now()
	for res := range a.Attack(targeter, vegeta.Rate{Freq: o.Rate, Per: time.Second}, d, s.name) {
		for _, t := range into {
			t.m.Add(res)
			if res.Code >= 200 && res.Code < 400 {
				t.ok++
			}
		}
	}
	spent := time.Since(start)
	for _, t := range into {
		t.spent += spent
	}
}

func (t *tally) rps() float64 {
	if t.spent <= 0 {
		return 0
	}
	return float64(t.ok) / t.spent.Seconds()
}

// result returns the figures of scenario name.
func (t *tally) result(name, reference string) result {
	t.m.Close()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	errs := t.m.Errors
	if len(errs) > 5 {
		errs = errs[:5]
	}
	return result{Scenario: name, Reference: reference, Requests: t.m.Requests, RPS: round1(t.rps()),
		Success: round1(t.m.Success * 100), P50MS: ms(t.m.Latencies.P50), P95MS: ms(t.m.Latencies.P95),
		P99MS: ms(t.m.Latencies.P99), StatusCodes: t.m.StatusCodes, Errors: errs}
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// round is one measured slice of a scenario and the reference slice run
// just before it.
type round struct {
	RPS    float64 `json:"rps"`
	RefRPS float64 `json:"reference_rps,omitempty"`
	Ratio  float64 `json:"ratio,omitempty"`
	P99MS  float64 `json:"p99_ms"`
}

func newRound(rps, refRPS float64, p99 time.Duration) round {
	r := round{RPS: round1(rps), P99MS: float64(p99.Microseconds()) / 1000}
	if refRPS > 0 {
		r.RefRPS, r.Ratio = round1(refRPS), round3(rps/refRPS)
	}
	return r
}

// summarize sets r's ratio, the median of the rounds' ratios, and how the
// first round compares with the later ones: its ratio (req/s without a
// reference) and its req/s over the median of the later rounds'.
func (r *result) summarize(rs []round, paired bool) {
	r.Rounds = rs
	if len(rs) == 0 {
		return
	}
	ratios, rps := make([]float64, len(rs)), make([]float64, len(rs))
	for i, x := range rs {
		ratios[i], rps[i] = x.Ratio, x.RPS
	}
	if paired {
		r.Ratio = round3(median(ratios))
	}
	if len(rs) < 2 {
		return
	}
	if later := median(rps[1:]); later > 0 {
		r.FirstRPSVsLater = round3(rps[0] / later)
	}
	r.FirstVsLater = r.FirstRPSVsLater
	if later := median(ratios[1:]); paired && later > 0 {
		r.FirstVsLater = round3(ratios[0] / later)
	}
}

// median of xs (the mean of the middle two of an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	sort.Float64s(xs)
	if m := len(xs) / 2; len(xs)%2 == 0 {
		return (xs[m-1] + xs[m]) / 2
	} else {
		return xs[m]
	}
}

// writeTable prints the results as a table.
func writeTable(w io.Writer, rs []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treference\treq/s\tref req/s\tratio\tround ratios\t1st/later (req/s)\tp50 ms\tp95 ms\tp99 ms\tsuccess %\tcpu µs/req\tref cpu µs/req\tgen µs/req (ref's)\tstatus\t")
	for _, r := range rs {
		ratio, ref, rounds, first := "", "", "", ""
		if r.Reference != "" {
			ratio, ref = strconv.FormatFloat(r.Ratio, 'f', 3, 64), strconv.FormatFloat(r.RefRPS, 'f', 1, 64)
			var each []string
			for _, x := range r.Rounds {
				each = append(each, strconv.FormatFloat(x.Ratio, 'f', 2, 64))
			}
			rounds = strings.Join(each, " ")
		}
		if r.FirstVsLater > 0 {
			first = strconv.FormatFloat(r.FirstVsLater, 'f', 2, 64)
		}
		if r.Reference != "" && r.FirstRPSVsLater > 0 {
			// The ratio's reference moves with the machine too; the first
			// round's own req/s against the later rounds' shows whether
			// the server was slow to start.
			first += " (" + strconv.FormatFloat(r.FirstRPSVsLater, 'f', 2, 64) + ")"
		}
		codes := make([]string, 0, len(r.StatusCodes))
		for c, k := range r.StatusCodes {
			codes = append(codes, c+":"+strconv.Itoa(k))
		}
		sort.Strings(codes)
		cpu := func(us float64) string {
			if us == 0 {
				return ""
			}
			return strconv.FormatFloat(us, 'f', 0, 64)
		}
		gen := cpu(r.GenCPUMicros)
		if r.RefGenCPUMicros > 0 {
			gen += " (" + cpu(r.RefGenCPUMicros) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.1f\t%s\t%s\t%s\t%v\t\n", r.Scenario, r.Reference, r.RPS, ref, ratio,
			rounds, first, r.P50MS, r.P95MS, r.P99MS, r.Success, cpu(r.CPUMicros), cpu(r.RefCPUMicros), gen, codes)
	}
	tw.Flush()
}

// writeJSON prints the results and the run's settings as JSON.
func writeJSON(w io.Writer, run map[string]any, rs []result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	run["results"] = rs
	return enc.Encode(run)
}
