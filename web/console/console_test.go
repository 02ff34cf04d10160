package console

// TestConsole is the console's part of the one test command: the front
// end's unit tests, a fresh build compared with the committed dist/ (which
// the binary embeds), and the end-to-end run with Debian's chromium against
// a real `unionhub serve` on the embedded default with the fake WeChat.
//
// Needs Node (npm) on the machine; without it the test skips, unless
// UNIONHUB_TEST_REQUIRE_CONSOLE is set (CI sets it). Without
// /usr/bin/chromium only the browser part is skipped.
// UNIONHUB_CONSOLE_SCREENSHOTS=DIR keeps the screenshots (docs/ for the README).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// firstLoadBudget is the compressed JavaScript of the first load of /console/ (issue 17).
	firstLoadBudget = 1 << 20
)

func TestConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("the console's npm build and browser run are skipped in -short mode")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("UNIONHUB_TEST_REQUIRE_CONSOLE") != "" {
			t.Fatal("npm is not installed, and UNIONHUB_TEST_REQUIRE_CONSOLE is set")
		}
		t.Skip("npm is not installed: the web console's unit, build and browser tests are skipped (install Node 20.19+ to run them)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()

	run(ctx, t, nil, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
	run(ctx, t, nil, "npm", "run", "test:unit")

	// The API types are the SDK's generated file (TestConsoleAPITypes; its
	// freshness is web/miniprogram-sdk's check-gen), type-checked here.
	fresh := t.TempDir()
	run(ctx, t, nil, "node_modules/.bin/vue-tsc", "--noEmit", "-p", "tsconfig.json")
	run(ctx, t, nil, "node_modules/.bin/vite", "build", "--outDir", fresh, "--emptyOutDir")
	compareTrees(t, "dist", fresh)
	reportFirstLoad(t, fresh)

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "unionhub")
	run(ctx, t, nil, "go", "build", "-o", bin, "../../cmd/unionhub")
	env := serverEnv(filepath.Join(tmp, "data"))
	var seed struct {
		OrgID          string `json:"org_id"`
		InvitationCode string `json:"invitation_code"`
	}
	if err := json.Unmarshal(run(ctx, t, env, bin, "seed-demo"), &seed); err != nil || seed.InvitationCode == "" {
		t.Fatalf("seed-demo printed no invitation: %v", err)
	}
	base := startServer(ctx, t, bin, env, tmp)
	checkServed(t, base)

	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is missing: the browser part of the console test is skipped (apt-get install chromium fonts-noto-cjk; .ci/run does)", chromiumPath)
	}
	out := filepath.Join(tmp, "e2e")
	if dir := os.Getenv("UNIONHUB_CONSOLE_SCREENSHOTS"); dir != "" {
		out, _ = filepath.Abs(dir)
	}
	start := time.Now()
	run(ctx, t, append(os.Environ(),
		"E2E_BASE_URL="+base, "E2E_INVITE_CODE="+seed.InvitationCode, "E2E_ROOT_ORG="+seed.OrgID,
		"E2E_IMPORT_XLSX="+importSheet(t, tmp), "E2E_OUT="+out, "E2E_CHROMIUM="+chromiumPath),
		"node", "e2e/run.mjs")
	t.Logf("end-to-end run: %.1f s; screenshots in %s", time.Since(start).Seconds(), out)
}

// run runs a command in the package directory, failing the test with its
// output when it fails; it returns stdout.
func run(ctx context.Context, t *testing.T, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %.1f s", name, strings.Join(args, " "), time.Since(start).Seconds())
	if name == "node" {
		t.Logf("output:\n%s%s", stdout.String(), stderr.String())
	}
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, tail(stdout.String()), tail(stderr.String()))
	}
	return stdout.Bytes()
}

func tail(s string) string {
	if len(s) > 6000 {
		return "…" + s[len(s)-6000:]
	}
	return s
}

// compareTrees fails when the committed build differs from a fresh one:
// the build must be deterministic and committed (web/console/embed.go
// serves dist/ from the binary).
func compareTrees(t *testing.T, committed, fresh string) {
	t.Helper()
	a, b := readTree(t, committed), readTree(t, fresh)
	var diffs []string
	for name, data := range b {
		if old, ok := a[name]; !ok {
			diffs = append(diffs, "missing: dist/"+name)
		} else if !bytes.Equal(old, data) {
			diffs = append(diffs, "differs: dist/"+name)
		}
	}
	for name := range a {
		if _, ok := b[name]; !ok {
			diffs = append(diffs, "not built any more: dist/"+name)
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("web/console/dist is stale (run `npm ci && npm run build` in web/console and commit dist/):\n%s", strings.Join(diffs, "\n"))
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil // a placeholder such as assets/.keep is not part of the build
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var assetRef = regexp.MustCompile(`(?:src|href)="/console/(assets/[^"]+\.js)"`)

// reportFirstLoad logs the gzip size of every built script and fails when
// the scripts index.html loads at once exceed the budget.
func reportFirstLoad(t *testing.T, dir string) {
	t.Helper()
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]bool{}
	for _, m := range assetRef.FindAllStringSubmatch(string(html), -1) {
		first[m[1]] = true
	}
	var total int
	var lines []string
	for name, data := range readTree(t, dir) {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		n := gzipSize(t, data)
		if first[name] {
			total += n
			lines = append(lines, fmt.Sprintf("first load %-45s %7.1f kB raw %7.1f kB gzip", name, float64(len(data))/1000, float64(n)/1000))
		} else if n > 10_000 {
			lines = append(lines, fmt.Sprintf("on demand  %-45s %7.1f kB raw %7.1f kB gzip", name, float64(len(data))/1000, float64(n)/1000))
		}
	}
	sort.Strings(lines)
	t.Logf("console bundle:\n%s\nfirst load total: %.1f kB gzip (budget %d kB)", strings.Join(lines, "\n"), float64(total)/1000, firstLoadBudget/1000)
	if len(first) == 0 || total > firstLoadBudget {
		t.Fatalf("first load of /console/ is %d bytes of compressed JavaScript (%d scripts); budget %d", total, len(first), firstLoadBudget)
	}
}

func gzipSize(t *testing.T, data []byte) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return b.Len()
}

// serverEnv is a clean environment for the server: no UNIONHUB_* setting of
// the caller's leaks in (WeChat credentials would switch the fake off).
func serverEnv(dataDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UNIONHUB_") {
			env = append(env, kv)
		}
	}
	return append(env, "UNIONHUB_ENV=development", "UNIONHUB_DATA_DIR="+dataDir)
}

// startServer runs `unionhub serve` on a free port until the test ends.
func startServer(ctx context.Context, t *testing.T, bin string, env []string, dir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(env, "UNIONHUB_HTTP_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = logFile.Close()
		if t.Failed() {
			if f, err := os.Open(logFile.Name()); err == nil {
				s := bufio.NewScanner(f)
				var last []string
				for s.Scan() {
					last = append(last, s.Text())
					if len(last) > 40 {
						last = last[1:]
					}
				}
				_ = f.Close()
				t.Logf("serve.log (last lines):\n%s", strings.Join(last, "\n"))
			}
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("unionhub serve did not become ready at %s: %v", base, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkServed makes sure the binary serves the committed console.
func checkServed(t *testing.T, base string) {
	t.Helper()
	res, err := http.Get(base + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	want, _ := os.ReadFile("dist/index.html")
	if res.StatusCode != http.StatusOK || !bytes.Equal(b.Bytes(), want) {
		t.Fatalf("GET /console/ = %d, %d bytes; want dist/index.html (%d bytes)", res.StatusCode, b.Len(), len(want))
	}
}

// importSheet writes the import roll of the e2e run: one good row (2) and
// two bad ones: row 3's ID number has a wrong check character, row 4's
// phone is too short.
func importSheet(t *testing.T, dir string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"姓名", "身份证号码", "手机号码", "民族", "学历"},
		{"赵六", "420111198501011015", "13900139001", "汉族", "大学本科"},
		{"钱七", "420111198501011010", "13900139002", "汉族", "大学本科"},
		{"孙八", "420111198501011031", "139001", "汉族", "大学本科"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "import-two-bad-rows.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
