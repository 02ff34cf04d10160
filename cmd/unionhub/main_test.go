package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// lockedBuffer collects the process's log output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func lookupFrom(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestProductionRefusesIncompleteConfig(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want []string
	}{
		{"nothing set", map[string]string{"UNIONHUB_ENV": "production"},
			[]string{"UNIONHUB_WECHAT_APPID", "UNIONHUB_WECHAT_SECRET", "UNIONHUB_PII_KEYS", "UNIONHUB_TOKEN_KEY", "UNIONHUB_AUDIT_KEY", "UNIONHUB_METRICS_ADDR", "UNIONHUB_PUBLIC_BASE_URL"}},
		{"fake wechat", map[string]string{"UNIONHUB_ENV": "production", "UNIONHUB_WECHAT_FAKE": "true"},
			[]string{"UNIONHUB_WECHAT_FAKE"}},
		{"bad env", map[string]string{"UNIONHUB_ENV": "staging"}, []string{"UNIONHUB_ENV"}},
		{"bad driver", map[string]string{"UNIONHUB_DB_DRIVER": "oracle"}, []string{"UNIONHUB_DB_DRIVER"}},
		{"mysql without dsn", map[string]string{"UNIONHUB_DB_DRIVER": "mysql"}, []string{"UNIONHUB_DB_DSN"}},
		{"bad number", map[string]string{"UNIONHUB_RATE_LIMIT_PER_IP": "many"}, []string{"UNIONHUB_RATE_LIMIT_PER_IP"}},
		{"bad zone", map[string]string{"UNIONHUB_TIMEZONE": "Mars/Olympus"}, []string{"UNIONHUB_TIMEZONE"}},
		{"bad proxy", map[string]string{"UNIONHUB_TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"}, []string{"UNIONHUB_TRUSTED_PROXIES"}},
		{"missing privacy notice", map[string]string{"UNIONHUB_PRIVACY_NOTICE_FILE": "/nonexistent/notice.yaml"}, []string{"UNIONHUB_PRIVACY_NOTICE_FILE"}},
		{"privacy notice without items", map[string]string{"UNIONHUB_PRIVACY_NOTICE_FILE": "testdata/notice-no-items.yaml"},
			[]string{"UNIONHUB_PRIVACY_NOTICE_FILE", "items"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["UNIONHUB_DATA_DIR"] = t.TempDir()
			var out lockedBuffer
			err := run(context.Background(), []string{"serve"}, env{stdout: &out, stderr: &out, lookup: lookupFrom(tc.vars)})
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

// TestGracefulShutdown starts a real server, holds a login in flight (the
// fake WeChat answers slowly), stops the server as SIGTERM would, and
// checks the login still completes.
func TestGracefulShutdown(t *testing.T) {
	fake := fakewechat.New(fakewechat.Options{})
	fsrv := httptest.NewServer(fake)
	defer fsrv.Close()
	vars := map[string]string{
		"UNIONHUB_HTTP_ADDR":       "127.0.0.1:0",
		"UNIONHUB_DATA_DIR":        t.TempDir(),
		"UNIONHUB_WECHAT_API_BASE": fsrv.URL,
		"UNIONHUB_WECHAT_APPID":    fakewechat.DefaultAppID,
		"UNIONHUB_WECHAT_SECRET":   fakewechat.DefaultSecret,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan net.Addr, 1)
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, env{stdout: &logs, stderr: &logs, lookup: lookupFrom(vars),
			onListen: func(a net.Addr) { addrc <- a }})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("serve ended early: %v\n%s", err, logs.String())
	}

	code := fake.IssueLoginCode("graceful-openid", "")
	fake.DelayNext("/sns/jscode2session", 1, 300*time.Millisecond)
	type result struct {
		status int
		body   map[string]any
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/api/v1/auth/wechat/login", "application/json", strings.NewReader(`{"code":"`+code+`"}`))
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resc <- result{status: resp.StatusCode, body: body, err: err}
	}()
	// Wait until the login is inside the handler (WeChat was called).
	for deadline := time.Now().Add(5 * time.Second); fake.Count("/sns/jscode2session") == 0; {
		if time.Now().After(deadline) {
			t.Fatal("login never reached WeChat")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel() // what SIGTERM does through signal.NotifyContext

	r := <-resc
	if r.err != nil || r.status != 200 || r.body["code"] != float64(0) {
		t.Fatalf("in-flight login: status %d, %v, %v", r.status, r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still accepts after shutdown")
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", logs.String())
	}
}

func TestMigrateCommand(t *testing.T) {
	var out lockedBuffer
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	for i := 0; i < 2; i++ {
		if err := run(context.Background(), []string{"migrate"}, env{stdout: &out, stderr: &out, lookup: lookupFrom(vars)}); err != nil {
			t.Fatalf("migrate run %d: %v\n%s", i, err, out.String())
		}
	}
	if !strings.Contains(out.String(), "schema up to date") {
		t.Errorf("no confirmation: %s", out.String())
	}
}

func TestBootstrapCommand(t *testing.T) {
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	type line struct {
		OrgID string `json:"org_id"`
		Code  string `json:"invitation_code"`
	}
	var runs []line
	for i := 0; i < 2; i++ {
		var out, logs lockedBuffer
		args := []string{"bootstrap", "--name", "湖北省总工会", "--region", "420000"}
		if err := run(context.Background(), args, env{stdout: &out, stderr: &logs, lookup: lookupFrom(vars)}); err != nil {
			t.Fatalf("bootstrap: %v\n%s", err, logs.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		var l line
		if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &l) != nil || l.OrgID == "" || len(l.Code) != 12 {
			t.Fatalf("stdout is not one JSON line: %q", out.String())
		}
		runs = append(runs, l)
	}
	if runs[0].OrgID != runs[1].OrgID || runs[0].Code == runs[1].Code {
		t.Errorf("second run: %+v after %+v; want the same root and a fresh code", runs[1], runs[0])
	}
	var out lockedBuffer
	err := run(context.Background(), []string{"bootstrap"}, env{stdout: &out, stderr: &out, lookup: lookupFrom(map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()})})
	if err == nil || !strings.Contains(err.Error(), "--name") {
		t.Errorf("bootstrap without --name: %v", err)
	}
}

func TestSeedDemo(t *testing.T) {
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	var out, logs lockedBuffer
	if err := run(context.Background(), []string{"seed-demo"}, env{stdout: &out, stderr: &logs, lookup: lookupFrom(vars)}); err != nil {
		t.Fatalf("seed-demo: %v\n%s", err, logs.String())
	}
	var res struct {
		OrgID  string `json:"org_id"`
		Code   string `json:"invitation_code"`
		Unions int    `json:"grassroots_unions"`
	}
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || res.Unions != 36 || len(res.Code) != 12 {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	var again lockedBuffer
	err := run(context.Background(), []string{"seed-demo"}, env{stdout: &again, stderr: &logs, lookup: lookupFrom(vars)})
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second seed-demo: %v", err)
	}
}

// cliOnSQLite migrates a fresh embedded database under a temporary data dir
// and returns a runner of unionhub subcommands on it (its stdout and
// error), the settings they run with, and the database opened alongside.
func cliOnSQLite(t *testing.T) (cli func(args ...string) (string, error), vars map[string]string, db *gorm.DB) {
	t.Helper()
	dir := t.TempDir()
	vars = map[string]string{"UNIONHUB_DATA_DIR": dir}
	ctx := context.Background()
	cli = func(args ...string) (string, error) {
		var out, logs lockedBuffer
		err := run(ctx, args, env{stdout: &out, stderr: &logs, lookup: lookupFrom(vars)})
		return out.String(), err
	}
	if _, err := cli("migrate"); err != nil {
		t.Fatal(err)
	}
	db, err := model.Open(ctx, model.Options{Driver: model.DialectSQLite, DSN: filepath.Join(dir, "unionhub.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = model.Close(db) })
	return cli, vars, db
}
