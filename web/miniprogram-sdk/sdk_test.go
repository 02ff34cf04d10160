package sdk_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// stamp records the package-lock.json that node_modules was installed
// from, so `npm ci` (a full reinstall) runs only when the lock changed.
const stamp = "node_modules/.unionhub-lock-sha256"

// TestSDK runs the TypeScript client's checks: npm ci, the generated types
// against docs/openapi.json (stale types fail: run `npm run gen`), tsc and
// the vitest tests. src/schema.d.ts is the only generated copy of the API
// types: web/console imports it (its TestConsoleAPITypes checks that), so
// this is the one freshness check.
func TestSDK(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed: the mini-program SDK's checks (npm ci, types, tsc, vitest) are skipped")
	}
	readInputs(t)
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	if have, _ := os.ReadFile(stamp); string(have) != hex.EncodeToString(sum[:]) {
		run(t, npm, "ci", "--no-audit", "--no-fund")
		if err := os.WriteFile(stamp, []byte(hex.EncodeToString(sum[:])), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, script := range []string{"check-gen", "typecheck", "test"} {
		t.Run(script, func(t *testing.T) { run(t, npm, "run", script) })
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "CI=1", "NO_COLOR=1", "FORCE_COLOR=0")
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
	}
}

// readInputs opens every file the checks read, so go test's cache knows
// them and reruns the test when one changes.
func readInputs(t *testing.T) {
	t.Helper()
	files := []string{"../../docs/openapi.json", "package.json", "package-lock.json", "tsconfig.json"}
	for _, dir := range []string{"src", "test"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		if _, err := os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
}
