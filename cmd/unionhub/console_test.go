package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// consoleLogin: a console login ticket made through A and confirmed
// through B by admin is handed over exactly once to polls racing on both
// nodes, as a session both nodes accept.
func (n *twoNodes) consoleLogin(t *testing.T, admin string) {
	var lt struct {
		Ticket string `json:"ticket"`
		QRCode string `json:"qrcode"`
	}
	ip := nextIP()
	n.a.call("POST", "/api/v1/console/login-tickets", nil, "", ip).must(t, http.StatusCreated, &lt)
	if !strings.HasPrefix(lt.QRCode, "data:image/png;base64,") {
		t.Fatalf("qrcode %.40q", lt.QRCode)
	}
	path := "/api/v1/console/login-tickets/" + lt.Ticket
	var st struct {
		Status      string `json:"status"`
		AccessToken string `json:"access_token"`
	}
	n.b.call("GET", path, nil, "", ip).must(t, http.StatusOK, &st)
	if st.Status != "pending" {
		t.Fatalf("before confirm: %+v", st)
	}
	n.b.call("POST", path+"/confirm", nil, admin, "").must(t, http.StatusOK, nil)

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		codes  = map[int]int{}
		tokens []string
	)
	const polls = 8 // per node
	for i := range 2 * polls {
		p := n.a
		if i%2 == 1 {
			p = n.b
		}
		wg.Go(func() {
			r, err := p.try("GET", path, nil, "", ip)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			codes[r.Status]++
			if strings.Contains(string(r.Data), `"access_token"`) {
				tokens = append(tokens, string(r.Data))
			}
		})
	}
	wg.Wait()
	if codes[http.StatusOK] != 1 || codes[http.StatusNotFound] != 2*polls-1 || len(tokens) != 1 {
		t.Fatalf("polls on two nodes: statuses %v, %d hand-overs; want one 200 with tokens", codes, len(tokens))
	}
	reply{Status: http.StatusOK, Data: []byte(tokens[0])}.must(t, http.StatusOK, &st)
	for _, p := range []*proc{n.a, n.b} {
		p.call("GET", "/api/v1/me", nil, st.AccessToken, "").must(t, http.StatusOK, nil)
	}
}

// TestServeConsole: `unionhub serve` with nothing configured serves the
// embedded console with its headers and offers the development login,
// whose fake codes "<name>-console-<random>" log in; with mini-program
// credentials (a real WeChat as far as it knows) it offers none.
func TestServeConsole(t *testing.T) {
	fake := fakewechat.New(fakewechat.Options{})
	fsrv := httptest.NewServer(fake)
	defer fsrv.Close()
	tests := []struct {
		name     string
		vars     map[string]string
		devLogin bool
	}{
		{"embedded fake WeChat", map[string]string{}, true},
		{"mini-program credentials", map[string]string{"UNIONHUB_WECHAT_API_BASE": fsrv.URL,
			"UNIONHUB_WECHAT_APPID": fakewechat.DefaultAppID, "UNIONHUB_WECHAT_SECRET": fakewechat.DefaultSecret}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["UNIONHUB_DATA_DIR"] = t.TempDir()
			tc.vars["UNIONHUB_LOG_LEVEL"] = "warn"
			base := startServe(t, tc.vars).base // a process of its own: the WeChat client is process-wide

			var cfg struct {
				Data struct {
					DevLogin bool `json:"dev_login"`
				} `json:"data"`
			}
			getJSON(t, base+"/api/v1/console/config", &cfg)
			if cfg.Data.DevLogin != tc.devLogin {
				t.Errorf("dev_login %v, want %v", cfg.Data.DevLogin, tc.devLogin)
			}
			if tc.devLogin {
				resp, err := http.Post(base+"/api/v1/auth/wechat/login", "application/json", strings.NewReader(`{"code":"alice-console-7f3a"}`))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("development login: %d", resp.StatusCode)
				}
			}
			resp, err := http.Get(base + "/console/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(strings.ToLower(string(body)), "<!doctype html>") {
				t.Errorf("/console/: %d %s %.80q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
