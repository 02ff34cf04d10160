package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// execMainEnv, set to 1, makes the test binary run main instead of the
// tests: the multi-node and failure tests start real unionhub processes
// from the test binary itself, without a separate build.
const execMainEnv = "UNIONHUB_TEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// proc is one unionhub process started by a test.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	logs *lockedBuffer
	done chan struct{}
	err  error // the exit status, after done
}

// procEnv is the environment of a child: this process's, without any
// UNIONHUB_ setting, plus vars.
func procEnv(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UNIONHUB_") {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return append(env, execMainEnv+"=1")
}

// runProc runs `unionhub args...` to its end and returns its stdout.
func runProc(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = procEnv(vars)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("unionhub %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// startServe starts `unionhub serve` on a spare loopback port with vars and
// waits until /healthz answers. The process is stopped (SIGTERM, then
// SIGKILL) when the test ends; its log is printed if the test failed.
func startServe(t *testing.T, vars map[string]string) *proc {
	t.Helper()
	return startServeBinary(t, os.Args[0], vars)
}

// startServeBinary is startServe with the unionhub binary bin and serve's
// flags args.
func startServeBinary(t *testing.T, bin string, vars map[string]string, args ...string) *proc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	v := map[string]string{"UNIONHUB_HTTP_ADDR": addr}
	for k, x := range vars {
		v[k] = x
	}
	p := &proc{t: t, base: "http://" + addr, logs: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	p.cmd.Env = procEnv(v)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(10 * time.Second)
		if t.Failed() {
			t.Logf("log of %s (the end):\n%s", p.base, tail(p.logs.String(), 30))
		}
	})
	deadline := time.Now().Add(90 * time.Second) // migrations under -race take a while
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("unionhub serve exited: %v\n%s", p.err, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("unionhub serve at %s not healthy: %v\n%s", addr, err, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits up to grace for the exit, then kills.
func (p *proc) stop(grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// reply is a decoded envelope.
type reply struct {
	Status  int
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// client is what the tests send requests with: short timeouts, so a hung
// server fails the test instead of holding it.
var client = &http.Client{Timeout: 15 * time.Second}

// call sends method path with a JSON body (nil: none) to the process,
// as token (empty: none) and from client address ip (empty: the peer's).
func (p *proc) call(method, path string, body any, token, ip string) reply {
	p.t.Helper()
	r, err := p.try(method, path, body, token, ip)
	if err != nil {
		p.t.Fatal(err)
	}
	return r
}

// try is call that returns its error, for use off the test's goroutine.
func (p *proc) try(method, path string, body any, token, ip string) (reply, error) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return reply{}, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	var out reply
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		return reply{}, fmt.Errorf("%s %s: status %d, body %q is not an envelope", method, path, resp.StatusCode, raw)
	}
	out.Status = resp.StatusCode
	return out, nil
}

// must checks that the reply has status and returns it, decoding its data
// into v when v is not nil.
func (r reply) must(t *testing.T, status int, v any) reply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d code %d %q, want %d", r.Status, r.Code, r.Message, status)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("data %s: %v", r.Data, err)
		}
	}
	return r
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
