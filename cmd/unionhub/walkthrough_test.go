package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWalkthrough runs docs/walkthrough.md: its ```sh blocks, in order, as
// one bash script against a unionhub binary on a free port and a fresh data
// directory, so the document cannot rot. Any failing command or assertion
// fails the test, with the script's trace and the server's log.
func TestWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the walk-through runs a server and a few dozen requests")
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: docs/walkthrough.md needs bash, curl and jq (.ci/run installs them), so it is not run", tool)
		}
	}
	doc, err := os.ReadFile("../../docs/walkthrough.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlocks(doc)
	if len(blocks) < 10 {
		t.Fatalf("docs/walkthrough.md has %d sh blocks", len(blocks))
	}
	work := t.TempDir()
	t.Cleanup(func() { stopServer(t, filepath.Join(work, "server.pid")) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-x", "-c", "set -euo pipefail\n"+strings.Join(blocks, "\n"))
	cmd.Dir = "../.."
	cmd.Env = procEnv(map[string]string{"WORK": work, "UNIONHUB": plainBinary(t), "UNIONHUB_HTTP_ADDR": freeAddr(t)})
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		serverLog, _ := os.ReadFile(filepath.Join(work, "server.log"))
		t.Fatalf("docs/walkthrough.md failed: %v\n--- script trace (last lines) ---\n%s\n--- server log (last lines) ---\n%s",
			err, tail(out.String(), 60), tail(string(serverLog), 20))
	}
}

// shellBlocks returns the bodies of the ```sh fenced blocks of a Markdown
// document, in order.
func shellBlocks(doc []byte) []string {
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```sh":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

func TestShellBlocks(t *testing.T) {
	doc := "# T\n\nRun ```` ```sh ```` blocks.\n\n```sh\necho one\necho two\n```\n\n```console\n$ no\n```\n\n```sh\necho three\n```\n"
	got := shellBlocks([]byte(doc))
	if len(got) != 2 || got[0] != "echo one\necho two\n" || got[1] != "echo three\n" {
		t.Fatalf("%q", got)
	}
}

// stopServer stops the server the walk-through started (its pid file) when
// the script did not get to its last step.
func stopServer(t *testing.T, pidFile string) {
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return // never started
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Errorf("%s: %v", pidFile, err)
		return
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Errorf("stopping the walk-through's server %d: %v", pid, err)
	}
}
