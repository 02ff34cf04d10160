package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// externalOptions are the flags of the external mode.
type externalOptions struct {
	URL, Pprof             string // --external, --pprof
	CPUProfile, MemProfile string
}

// validate checks the external mode's flags against cfg: base URLs, a
// store both processes share, and profiles that can be taken.
func (o externalOptions) validate(cfg config.Config) error {
	if o.URL == "" {
		if o.Pprof != "" {
			return errors.New("--pprof profiles an external server: it needs --external")
		}
		return nil
	}
	if err := baseURL("--external", o.URL); err != nil {
		return err
	}
	if o.Pprof != "" {
		if err := baseURL("--pprof", o.Pprof); err != nil {
			return err
		}
	}
	if (o.CPUProfile != "" || o.MemProfile != "") && o.Pprof == "" {
		return errors.New("with --external, --cpuprofile and --memprofile profile the server: give its metrics " +
			"listener with --pprof (start it with `unionhub serve --pprof` and UNIONHUB_METRICS_ADDR)")
	}
	if cfg.DB.Driver != "mysql" {
		return errors.New("--external needs the server's MariaDB (UNIONHUB_DB_DRIVER=mysql and its UNIONHUB_DB_DSN): " +
			"the fixtures are written beside the server")
	}
	if cfg.Redis.Addr == "" {
		return errors.New("--external needs the server's Redis (UNIONHUB_REDIS_ADDR and the same UNIONHUB_REDIS_DB): " +
			"the role bindings the fixtures write directly are dropped from the cache the server reads")
	}
	return nil
}

// baseURL accepts an http(s) URL with a host and no path beyond "/", no
// query and no fragment.
func baseURL(flag, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%s must be a base URL such as http://127.0.0.1:8080 (got %q)", flag, s)
	}
	return nil
}

// openBeside opens a node on the external server's database, cache and
// keys (cfg must name the same ones), to prepare the fixtures with; it
// neither serves nor runs anything. The server at base must answer.
func openBeside(ctx context.Context, cfg config.Config, log *slog.Logger, base string) (*target, error) {
	base = strings.TrimSuffix(base, "/")
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(hctx, "GET", base+"/healthz", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the server at %s does not answer (start `unionhub serve` first): %w", base, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server at %s answers /healthz with %d", base, resp.StatusCode)
	}
	// The server logs in through its own fake WeChat (development mode
	// without an app id); openids derive from the login name and app id.
	cfg.WeChat.APIBase, cfg.WeChat.AppID, cfg.WeChat.Secret = "http://127.0.0.1:1", fakewechat.DefaultAppID, fakewechat.DefaultSecret
	n, err := node.Open(ctx, cfg, node.Options{Log: log})
	if err != nil {
		return nil, err
	}
	return &target{Node: n, URL: base, Fake: fakewechat.New(fakewechat.Options{}), close: []func(){n.Close}}, nil
}

// startReferenceProcess runs this program again with --serve-reference,
// hands it keys and returns the references' URL and a stop function: in
// external mode the references run in a process of their own, as the
// server does.
func startReferenceProcess(ctx context.Context, keys []card.PublicKey, stderr io.Writer) (string, func(), int, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, 0, err
	}
	cmd := exec.Command(exe, "--serve-reference")
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, 0, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, 0, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, 0, err
	}
	stop := func() {
		in.Close() // the child stops at the end of its input
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	if err := json.NewEncoder(in).Encode(keys); err != nil {
		stop()
		return "", nil, 0, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", nil, 0, fmt.Errorf("reference process: %q, %v", line, err)
	}
	return strings.TrimSpace(line), stop, cmd.Process.Pid, nil
}

// cpuMeter reads a process's CPU time so far, in seconds; nil measures
// nothing.
type cpuMeter func(ctx context.Context) (float64, error)

// serverCPU reads the server's process_cpu_seconds_total from its metrics
// listener.
func serverCPU(metricsBase string) cpuMeter {
	url := strings.TrimSuffix(metricsBase, "/") + "/metrics"
	return func(ctx context.Context) (float64, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			return 0, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
				return strconv.ParseFloat(strings.TrimSpace(v), 64)
			}
		}
		return 0, fmt.Errorf("%s: no process_cpu_seconds_total", url)
	}
}

// procCPU reads the user and system time of process pid from /proc (in
// clock ticks of 1/100 s, Linux's USER_HZ).
func procCPU(pid int) cpuMeter {
	return func(context.Context) (float64, error) {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return 0, err
		}
		// The fields after the command name, which may hold spaces.
		_, rest, ok := strings.Cut(string(raw), ") ")
		f := strings.Fields(rest)
		if !ok || len(f) < 13 {
			return 0, fmt.Errorf("/proc/%d/stat: %q", pid, raw)
		}
		utime, err1 := strconv.ParseFloat(f[11], 64)
		stime, err2 := strconv.ParseFloat(f[12], 64)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %q", pid, raw)
		}
		return (utime + stime) / 100, nil
	}
}

// cpuUse accumulates a process's CPU time over the slices it is read
// around.
type cpuUse struct {
	meter   cpuMeter
	seconds float64
	failed  error
}

// around runs f and adds the CPU time the process spent meanwhile.
func (u *cpuUse) around(ctx context.Context, f func()) {
	if u == nil || u.meter == nil || u.failed != nil {
		f()
		return
	}
	before, err := u.meter(ctx)
	f()
	after, err2 := u.meter(ctx)
	if err = errors.Join(err, err2); err != nil {
		u.failed = err
		return
	}
	u.seconds += after - before
}

// perRequest is the CPU time per request in microseconds (0 unknown).
func (u *cpuUse) perRequest(requests uint64) float64 {
	if u == nil || u.meter == nil || u.failed != nil || requests == 0 {
		return 0
	}
	return round1(u.seconds / float64(requests) * 1e6)
}

// serveReference is the reference process: it reads the card keys from in,
// serves the references on a loopback port, prints their URL to out and
// serves until in ends or ctx does.
func serveReference(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	var keys []card.PublicKey
	if err := dec.Decode(&keys); err != nil {
		return fmt.Errorf("--serve-reference: card keys on stdin: %w", err)
	}
	url, stop, err := serveLoopback(referenceHandler(keys))
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintln(out, url)
	eof := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, io.MultiReader(dec.Buffered(), in)); close(eof) }()
	select {
	case <-eof:
	case <-ctx.Done():
	}
	return nil
}
