package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/unionhub/unionhub/config"
)

// testConsoleFiles stands in for the built console (web/console/dist):
// the committed build changes with every front-end change.
var testConsoleFiles = fstest.MapFS{
	"index.html":                {Data: []byte(`<!doctype html><html><head><script type="module" src="/console/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div></body></html>`)},
	"assets/index-Ab12Cd34.js":  {Data: []byte(strings.Repeat("console.log('管理后台');\n", 200))},
	"assets/index-Ef56Gh78.css": {Data: []byte(strings.Repeat("body{margin:0}\n", 100))},
	"favicon.ico":               {Data: []byte{0, 0, 1, 0}},
}

// loginTicket is the reply of POST /console/login-tickets.
type loginTicket struct {
	Ticket    string `json:"ticket"`
	QRCode    string `json:"qrcode"`
	ExpiresAt string `json:"expires_at"`
}

// ticketStatus is the reply of GET /console/login-tickets/{ticket}.
type ticketStatus struct {
	Status       string `json:"status"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

func (e *testEnv) newTicket(t *testing.T) loginTicket {
	t.Helper()
	var lt loginTicket
	e.do("POST", "/api/v1/console/login-tickets", nil, "").expect(t, 201, 0).decode(t, &lt)
	return lt
}

func (e *testEnv) pollTicket(t *testing.T, ticket string) reply {
	t.Helper()
	return e.do("GET", "/api/v1/console/login-tickets/"+ticket, nil, "")
}

func (e *testEnv) confirmTicket(t *testing.T, ticket string, s session) reply {
	t.Helper()
	return e.do("POST", "/api/v1/console/login-tickets/"+ticket+"/confirm", nil, s.Access)
}

// TestConsoleLoginFlow: a ticket with its code, pending, confirmed by a
// chair from the mini-program, handed over once as an ordinary session of
// the chair (it reads /me, refreshes, logs out), then gone; the login is
// audited.
func TestConsoleLoginFlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		before := fake.Count("/wxa/getwxacodeunlimit")
		lt := e.newTicket(t)
		if len(lt.Ticket) != 22 || strings.ContainsAny(lt.Ticket, "+/=") {
			t.Errorf("ticket %q: want 22 URL-safe characters", lt.Ticket)
		}
		if got := fake.Count("/wxa/getwxacodeunlimit") - before; got != 1 {
			t.Errorf("WeChat code calls %d, want 1", got)
		}
		req := lastWXACodeRequest(t)
		var wxa struct {
			Scene string `json:"scene"`
			Page  string `json:"page"`
		}
		if err := json.Unmarshal([]byte(req), &wxa); err != nil || wxa.Scene != "t="+lt.Ticket || wxa.Page != "pages/console-login/index" {
			t.Errorf("code request %s (%v)", req, err)
		}
		b64, found := strings.CutPrefix(lt.QRCode, "data:image/png;base64,")
		if !found {
			t.Fatalf("qrcode %.40q is not a PNG data URL", lt.QRCode)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Errorf("qrcode is not a PNG: %v", err)
		}
		if want := e.clock.Now().Add(2 * time.Minute).In(e.cfg.Location()).Format(time.RFC3339); lt.ExpiresAt != want {
			t.Errorf("expires_at %s, want %s", lt.ExpiresAt, want)
		}

		var st ticketStatus
		e.pollTicket(t, lt.Ticket).expect(t, 200, 0).decode(t, &st)
		if st != (ticketStatus{Status: "pending"}) {
			t.Errorf("before confirm: %+v", st)
		}
		e.confirmTicket(t, lt.Ticket, tr.chair1).expect(t, 200, 0)
		e.confirmTicket(t, lt.Ticket, tr.chair1).expect(t, 200, 0) // the same user again: no error
		e.clock.Advance(time.Minute)
		e.pollTicket(t, lt.Ticket).expect(t, 200, 0).decode(t, &st)
		if st.Status != "confirmed" || st.AccessToken == "" || st.RefreshToken == "" || st.ExpiresIn != int(e.cfg.HTTP.AccessTokenTTL/time.Second) {
			t.Fatalf("after confirm: %+v", st)
		}
		e.pollTicket(t, lt.Ticket).expect(t, 404, 40400)
		e.confirmTicket(t, lt.Ticket, tr.chair1).expect(t, 404, 40400)

		var me struct {
			ID    string `json:"id"`
			Roles []struct {
				Role string `json:"role"`
			} `json:"roles"`
		}
		e.do("GET", "/api/v1/me", nil, st.AccessToken).expect(t, 200, 0).decode(t, &me)
		if me.ID != tr.chair1.UserID || len(me.Roles) != 1 || me.Roles[0].Role != "union_chair" {
			t.Errorf("/me of the console session: %+v, want the chair %s", me, tr.chair1.UserID)
		}
		console := e.refreshed(session{Access: st.AccessToken, Refresh: st.RefreshToken})
		e.do("GET", "/api/v1/admin/applications", nil, console.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/auth/logout", nil, console.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me", nil, console.Access).expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, tr.chair1.Access).expect(t, 200, 0) // the mini-program's session lives on

		logins := 0
		for _, it := range e.auditLogs(t, "?org_id="+tr.u1+"&limit=100", tr.rootAdmin).Items {
			if it.Action == "console.login" {
				logins++
				if it.ActorID == nil || *it.ActorID != tr.chair1.UserID || it.Target != "user:"+tr.chair1.UserID {
					t.Errorf("audit row %+v", it)
				}
			}
		}
		if logins != 1 {
			t.Errorf("console.login audit rows %d, want 1", logins)
		}
		if strings.Contains(e.logs.String(), lt.Ticket) {
			t.Error("the ticket appears in the logs")
		}
	})
}

// lastWXACodeRequest returns the body of the fake's last getwxacodeunlimit.
func lastWXACodeRequest(t *testing.T) string {
	t.Helper()
	reqs := fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == "/wxa/getwxacodeunlimit" {
			return string(reqs[i].Body)
		}
	}
	t.Fatal("no getwxacodeunlimit request")
	return ""
}

// TestConsoleLoginConfirm: only admins confirm (403 for a verifier or a
// user without roles); an unknown ticket is 404; a ticket another admin
// confirmed first is 409.
func TestConsoleLoginConfirm(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		taken := e.newTicket(t).Ticket
		e.confirmTicket(t, taken, tr.staff1).expect(t, 200, 0)
		tests := []struct {
			name         string
			who          session
			ticket       string
			status, code int
		}{
			{"federation admin", tr.c1Admin, "", 200, 0},
			{"union chair", tr.chair1, "", 200, 0},
			{"union staff", tr.staff1, "", 200, 0},
			{"verifier", tr.verif1, "", 403, 40300},
			{"no role", tr.plain, "", 403, 40300},
			{"no token", session{}, "", 401, 40100},
			{"unknown ticket", tr.chair1, "AAAAAAAAAAAAAAAAAAAAAA", 404, 40400},
			{"malformed ticket", tr.chair1, "not-a-ticket", 404, 40400},
			{"confirmed by another admin", tr.chair1, taken, 409, 40900},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ticket := tc.ticket
				if ticket == "" {
					ticket = e.newTicket(t).Ticket
				}
				e.confirmTicket(t, ticket, tc.who).expect(t, tc.status, tc.code)
				var st ticketStatus
				if r := e.pollTicket(t, ticket); r.Status == 200 {
					r.decode(t, &st)
				}
				if confirmed := st.Status == "confirmed"; confirmed != (tc.status == 200 || tc.ticket == taken) {
					t.Errorf("poll after the confirm: %+v", st)
				}
			})
		}
	})
}

// TestConsoleLoginExpired: two minutes after it was made (by the injected
// clock, on Redis too) a ticket is gone for the console and the scanner,
// confirmed or not.
func TestConsoleLoginExpired(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		pending, confirmed := e.newTicket(t).Ticket, e.newTicket(t).Ticket
		e.confirmTicket(t, confirmed, tr.chair1).expect(t, 200, 0)
		e.clock.Advance(2*time.Minute - time.Second)
		e.pollTicket(t, pending).expect(t, 200, 0)
		e.clock.Advance(time.Second)
		e.pollTicket(t, pending).expect(t, 404, 40400)
		e.confirmTicket(t, pending, tr.chair1).expect(t, 404, 40400)
		e.pollTicket(t, confirmed).expect(t, 404, 40400)
	})
}

// TestConsoleLoginHandOverOnce: many polls of a confirmed ticket at once
// (state is only in the cache, so this is what several nodes see) hand
// the session over exactly once.
func TestConsoleLoginHandOverOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		for round := range 3 {
			ticket := e.newTicket(t).Ticket
			e.confirmTicket(t, ticket, tr.chair1).expect(t, 200, 0)
			const polls = 12
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				statuses = map[int]int{}
				tokens   []string
			)
			for range polls {
				wg.Go(func() {
					req := httptest.NewRequest("GET", "/api/v1/console/login-tickets/"+ticket, nil)
					w := httptest.NewRecorder()
					e.router.ServeHTTP(w, req)
					var env struct {
						Code int `json:"code"`
						Data struct {
							AccessToken string `json:"access_token"`
						} `json:"data"`
					}
					err := json.Unmarshal(w.Body.Bytes(), &env)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("poll reply is not JSON: %v %s", err, w.Body.String())
					}
					statuses[w.Code]++
					if w.Code == 200 && env.Code == 0 && env.Data.AccessToken != "" {
						tokens = append(tokens, env.Data.AccessToken)
					}
				})
			}
			wg.Wait()
			if statuses[200] != 1 || statuses[404] != polls-1 || len(tokens) != 1 {
				t.Errorf("round %d: statuses %v, %d hand-overs; want one 200 with tokens and %d 404", round, statuses, len(tokens), polls-1)
			}
		}
	})
}

// TestConsoleLoginRateLimits: per IP, 30 tickets and 600 polls a minute,
// each limit in its own bucket; the 429 says when to come back.
func TestConsoleLoginRateLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		ticket := e.newTicket(t).Ticket
		for range 29 {
			e.newTicket(t)
		}
		r := e.do("POST", "/api/v1/console/login-tickets", nil, "").expect(t, 429, 42900)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		for i := range 600 {
			if r := e.pollTicket(t, ticket); r.Status != 200 {
				t.Fatalf("poll %d: %d %s", i+1, r.Status, r.Raw)
			}
		}
		e.pollTicket(t, ticket).expect(t, 429, 42900)
		e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": fake.IssueLoginCode(uniqueOpenID(t), "")}, "").expect(t, 200, 0)
		e.clock.Advance(time.Minute)
		e.newTicket(t)
	})
}

// TestConsoleConfig: development login only with the fake WeChat
// (production never has it: config.TestDevLogin; a production node needs
// real keys).
func TestConsoleConfig(t *testing.T) {
	tests := []struct {
		name string
		opt  envOption
		want bool
	}{
		{"real WeChat", func(*config.Config) {}, false},
		{"fake WeChat in development", func(c *config.Config) { c.WeChat.Fake = true }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, e *testEnv) {
				var got struct {
					DevLogin *bool `json:"dev_login"`
				}
				e.do("GET", "/api/v1/console/config", nil, "").expect(t, 200, 0).decode(t, &got)
				if got.DevLogin == nil || *got.DevLogin != tc.want {
					t.Errorf("dev_login %v, want %v", got.DevLogin, tc.want)
				}
			}, tc.opt)
		})
	}
}

// TestConsoleStatic: /console/ serves the built app: files as they are,
// any other path the app's index.html (never cached), hashed assets
// cached for a year, text gzip-compressed on request; every reply with the
// strict CSP and no framing.
func TestConsoleStatic(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		index := string(testConsoleFiles["index.html"].Data)
		js := string(testConsoleFiles["assets/index-Ab12Cd34.js"].Data)
		tests := []struct {
			name, method, path, encoding string
			status                       int
			contentType, cache, body     string
		}{
			{"root", "GET", "/console/", "", 200, "text/html; charset=utf-8", "no-store", index},
			{"index by name", "GET", "/console/index.html", "", 200, "text/html; charset=utf-8", "no-store", index},
			{"app route", "GET", "/console/review/384515783190089728", "", 200, "text/html; charset=utf-8", "no-store", index},
			{"app route with dots", "GET", "/console/members/a.b", "", 200, "text/html; charset=utf-8", "no-store", index},
			{"climbing out", "GET", "/console/../api/v1/dicts", "", 200, "text/html; charset=utf-8", "no-store", index},
			{"asset", "GET", "/console/assets/index-Ab12Cd34.js", "", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", js},
			{"asset gzip", "GET", "/console/assets/index-Ab12Cd34.js", "gzip, deflate, br", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", js},
			{"asset gzip refused", "GET", "/console/assets/index-Ab12Cd34.js", "gzip;q=0, br", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", js},
			{"css", "GET", "/console/assets/index-Ef56Gh78.css", "", 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", string(testConsoleFiles["assets/index-Ef56Gh78.css"].Data)},
			{"missing asset", "GET", "/console/assets/index-00000000.js", "", 404, "application/json; charset=utf-8", "no-store", ""},
			{"other file", "GET", "/console/favicon.ico", "", 200, "", "no-store", "\x00\x00\x01\x00"},
			{"head", "HEAD", "/console/", "", 200, "text/html; charset=utf-8", "no-store", ""},
			{"post", "POST", "/console/", "", 405, "application/json; charset=utf-8", "no-store", ""},
			{"no slash", "GET", "/console", "", 301, "", "no-store", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest(tc.method, tc.path, nil)
				if tc.encoding != "" {
					req.Header.Set("Accept-Encoding", tc.encoding)
				}
				w := httptest.NewRecorder()
				e.router.ServeHTTP(w, req)
				h := w.Header()
				if w.Code != tc.status {
					t.Fatalf("status %d, want %d: %.200s", w.Code, tc.status, w.Body.String())
				}
				if tc.contentType != "" && h.Get("Content-Type") != tc.contentType {
					t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tc.contentType)
				}
				if h.Get("Cache-Control") != tc.cache {
					t.Errorf("Cache-Control %q, want %q", h.Get("Cache-Control"), tc.cache)
				}
				checkConsoleHeaders(t, h)
				body := w.Body.Bytes()
				gzipped := h.Get("Content-Encoding") == "gzip"
				if gzipped != (tc.encoding == "gzip, deflate, br") {
					t.Errorf("Content-Encoding %q for Accept-Encoding %q", h.Get("Content-Encoding"), tc.encoding)
				}
				if gzipped {
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
					if w.Body.Len() >= len(body) {
						t.Errorf("compressed %d bytes, plain %d", w.Body.Len(), len(body))
					}
				}
				if tc.body != "" && string(body) != tc.body {
					t.Errorf("body %.80q, want %.80q", body, tc.body)
				}
				if tc.status == 301 && h.Get("Location") != "/console/" {
					t.Errorf("Location %q", h.Get("Location"))
				}
				if tc.method == "HEAD" && (len(body) != 0 || h.Get("Content-Length") != strconv.Itoa(len(index))) {
					t.Errorf("HEAD: body %d bytes, Content-Length %s", len(body), h.Get("Content-Length"))
				}
			})
		}
		// The API's replies may not be framed either.
		if r := e.do("GET", "/api/v1/dicts", nil, ""); r.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("API X-Frame-Options %q", r.Header.Get("X-Frame-Options"))
		}
	})
}

func checkConsoleHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	for name, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if got := h.Get(name); got != want {
			t.Errorf("%s %q, want %q", name, got, want)
		}
	}
}

// TestConsoleOff: UNIONHUB_CONSOLE=false serves neither the console nor
// its login.
func TestConsoleOff(t *testing.T) {
	off := false
	eachBackend(t, func(t *testing.T, e *testEnv) {
		for _, p := range []struct{ method, path string }{
			{"GET", "/console/"}, {"GET", "/console/assets/index-Ab12Cd34.js"}, {"GET", "/console"},
			{"GET", "/api/v1/console/config"}, {"POST", "/api/v1/console/login-tickets"},
			{"GET", "/api/v1/console/login-tickets/AAAAAAAAAAAAAAAAAAAAAA"},
		} {
			e.do(p.method, p.path, nil, "").expect(t, 404, 40400)
		}
	}, func(c *config.Config) { c.Console = &off })
}

// TestConsoleLoginForgedConfirmation: whoever can write the cache but
// holds no key cannot confirm a ticket as an admin and be handed the
// admin's session.
func TestConsoleLoginForgedConfirmation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		ticket := e.newTicket(t).Ticket
		sum := sha256.Sum256([]byte(ticket))
		key := "clt:" + hex.EncodeToString(sum[:16]) + ":ok"
		for _, forged := range []string{tr.chair1.UserID + ":" + tr.u1, tr.chair1.UserID + ":" + tr.u1 + ".AAAA"} {
			if err := e.cache.Set(context.Background(), key, forged, time.Minute); err != nil {
				t.Fatal(err)
			}
			e.pollTicket(t, ticket).expect(t, 404, 40400)
		}
	})
}
