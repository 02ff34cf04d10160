package main

import (
	"context"
	"database/sql"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache/cachetest"
)

// mariaServer is a private mariadbd of one test on a spare loopback port,
// with its own data dir, which the test may stop and start again. It never
// touches the shared MariaDB other tests use.
type mariaServer struct {
	// DSN reaches the server as root, without a database.
	DSN  string
	t    *testing.T
	bin  string
	dir  string
	port string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// findBin looks name up on PATH and in /usr/sbin.
func findBin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join("/usr/sbin", name); fileExists(p) {
		return p
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// startMariaDB installs a fresh data dir and starts mariadbd on it; it is
// stopped when the test ends. It skips without the MariaDB binaries unless
// the CI switch (cachetest.ClusterEnv=1) demands every local server.
func startMariaDB(t *testing.T) *mariaServer {
	t.Helper()
	bin, install := findBin("mariadbd"), findBin("mariadb-install-db")
	if bin == "" || install == "" {
		if os.Getenv(cachetest.ClusterEnv) == "1" {
			t.Fatal("mariadbd or mariadb-install-db not found")
		}
		t.Skip("mariadbd or mariadb-install-db not found")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, install, "--no-defaults", "--datadir="+filepath.Join(dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db", "--user="+currentUser()).CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	_ = l.Close()
	m := &mariaServer{DSN: "root@tcp(127.0.0.1:" + port + ")/", t: t, bin: bin, dir: dir, port: port}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

// Start starts mariadbd (again) and waits until it answers.
func (m *mariaServer) Start() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		return
	}
	cmd := exec.Command(m.bin, "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"), "--port="+m.port,
		"--bind-address=127.0.0.1", "--socket="+filepath.Join(m.dir, "mysqld.sock"), "--user="+currentUser(),
		"--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=2",
		"--log-error="+filepath.Join(m.dir, "error.log"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("mariadbd: %v", err)
	}
	m.cmd = cmd
	db, err := sql.Open("mysql", m.DSN)
	if err != nil {
		m.t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(30 * time.Second); db.Ping() != nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(m.dir, "error.log"))
			m.t.Fatalf("mariadbd on %s does not answer:\n%s", m.port, log)
		}
	}
}

// Stop shuts mariadbd down (SIGTERM: a clean shutdown that keeps every
// committed transaction) and waits for it.
func (m *mariaServer) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
	m.cmd = nil
}
