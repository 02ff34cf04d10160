package api_test

import (
	"bytes"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unionhub/unionhub/config"
)

func TestLogin(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		used := fake.IssueLoginCode(uniqueOpenID(t), "")
		e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": used}, "").expect(t, 200, 0)

		tests := []struct {
			name         string
			body         any
			status, code int
			field        string
		}{
			{"valid code", map[string]string{"code": fake.IssueLoginCode(uniqueOpenID(t), "u1")}, 200, 0, ""},
			{"unknown code", map[string]string{"code": "no-such-code"}, 401, 40102, ""},
			{"used code", map[string]string{"code": used}, 401, 40102, ""},
			{"missing code", map[string]string{}, 422, 40001, "code"},
			{"empty body", nil, 422, 40001, "code"},
			{"bad JSON", `{"code":`, 400, 40000, ""},
			{"trailing garbage", `{"code":"x"} {}`, 400, 40000, ""},
			{"wrong type", `{"code":42}`, 400, 40000, ""},
			{"body over 1 MiB", `{"code":"` + strings.Repeat("a", 1<<20) + `"}`, 413, 41300, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/auth/wechat/login", tc.body, "").expect(t, tc.status, tc.code)
				if r.RequestID == "" || r.Header.Get("X-Request-ID") != r.RequestID {
					t.Errorf("request_id %q, header %q", r.RequestID, r.Header.Get("X-Request-ID"))
				}
				if tc.field != "" && (len(r.Details) != 1 || r.Details[0].Field != tc.field) {
					t.Errorf("details = %+v, want field %s", r.Details, tc.field)
				}
				if tc.code == 0 {
					var data struct {
						AccessToken  string `json:"access_token"`
						RefreshToken string `json:"refresh_token"`
						ExpiresIn    int    `json:"expires_in"`
						User         struct {
							ID         string   `json:"id"`
							PhoneBound bool     `json:"phone_bound"`
							Roles      []string `json:"roles"`
						} `json:"user"`
					}
					r.decode(t, &data)
					if data.AccessToken == "" || data.RefreshToken == "" || data.ExpiresIn != 7200 || data.User.ID == "" || data.User.Roles == nil {
						t.Errorf("login data incomplete: %s", r.Raw)
					}
					if strings.Contains(r.Raw, "session_key") {
						t.Error("session_key leaked in the reply")
					}
				}
			})
		}
	})
}

func TestLoginSameUserTwice(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		openid := uniqueOpenID(t)
		a, b := e.login(openid), e.login(openid)
		if a.UserID != b.UserID || a.Access == b.Access {
			t.Fatalf("same openid gave users %s and %s", a.UserID, b.UserID)
		}
	})
}

func TestWeChatFailures(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tests := []struct {
			name         string
			errcode      int
			status, code int
		}{
			{"system busy", -1, 502, 50200},
			{"frequency limit", 45011, 429, 42900},
			{"user blocked by risk control", 40226, 403, 40300},
			{"unknown error", 89999, 502, 50200},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				code := fake.IssueLoginCode(uniqueOpenID(t), "")
				fake.FailNext("/sns/jscode2session", 1, tc.errcode)
				r := e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": code}, "").expect(t, tc.status, tc.code)
				if tc.status == 429 && r.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
			})
		}
	})
}

func TestAuthRequired(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		var claims jwt.MapClaims
		if _, _, err := jwt.NewParser().ParseUnverified(s.Access, &claims); err != nil {
			t.Fatal(err)
		}
		ourKey := bytes.Repeat([]byte("k"), 32) // the harness's token key
		with := func(k string, v any) jwt.MapClaims {
			c := jwt.MapClaims{}
			maps.Copy(c, claims)
			c[k] = v
			return c
		}
		forge := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
			tok, err := jwt.NewWithClaims(m, c).SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return "Bearer " + tok
		}
		past := float64(e.clock.Now().Add(-time.Hour).Unix())
		tests := []struct {
			name, header string
			status, code int
		}{
			{"no header", "", 401, 40100},
			{"not bearer", "Basic abc", 401, 40100},
			{"garbage token", "Bearer abc.def.ghi", 401, 40100},
			{"tampered token", "Bearer " + s.Access[:len(s.Access)-2] + "xx", 401, 40100},
			{"alg none", forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims), 401, 40100},
			{"other key", forge(jwt.SigningMethodHS256, []byte("another-key-another-key-another!"), claims), 401, 40100},
			{"HS512, our key", forge(jwt.SigningMethodHS512, ourKey, claims), 401, 40100},
			{"expired, other key", forge(jwt.SigningMethodHS256, []byte("another-key-another-key-another!"), with("exp", past)), 401, 40100},
			{"other issuer, our key", forge(jwt.SigningMethodHS256, ourKey, with("iss", "someone")), 401, 40100},
			{"no expiry, our key", forge(jwt.SigningMethodHS256, ourKey, with("exp", nil)), 401, 40100},
			{"expired, our key", forge(jwt.SigningMethodHS256, ourKey, with("exp", past)), 401, 40101},
			{"re-signed, our key", forge(jwt.SigningMethodHS256, ourKey, claims), 200, 0},
			{"valid token", "Bearer " + s.Access, 200, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do("GET", "/api/v1/me", nil, "", "Authorization", tc.header).expect(t, tc.status, tc.code)
			})
		}
		e.clock.Advance(2*time.Hour + time.Second)
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 401, 40101)
	})
}

func TestRefreshRotation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		var next struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(t, 200, 0).decode(t, &next)
		if next.RefreshToken == s.Refresh {
			t.Fatal("refresh token not rotated")
		}
		e.do("GET", "/api/v1/me", nil, next.AccessToken).expect(t, 200, 0)
		// The spent token again: the whole session is revoked.
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(t, 401, 40100)
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": next.RefreshToken}, "").expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, next.AccessToken).expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 401, 40100)

		for _, bad := range []string{"", "nonsense", "1.short", "99999.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
			e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": bad}, "").expect(t, 401, 40100)
		}
	})
}

func TestConcurrentRefreshOneWins(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		var wg sync.WaitGroup
		statuses := make([]int, 4)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").Status
			}()
		}
		wg.Wait()
		wins := 0
		for _, st := range statuses {
			if st == 200 {
				wins++
			}
		}
		if wins > 1 {
			t.Fatalf("%d concurrent refreshes of one token succeeded: %v", wins, statuses)
		}
	})
}

func TestLogout(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		openid := uniqueOpenID(t)
		s, other := e.login(openid), e.login(openid)
		e.do("POST", "/api/v1/auth/logout", nil, s.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 401, 40100)
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, other.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/auth/logout", nil, "").expect(t, 401, 40100)
	})
}

// A flushed cache must not bring a revoked session back.
func TestRevocationSurvivesCacheFlush(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/auth/logout", nil, s.Access).expect(t, 200, 0)
		flushSession(t, e, s.Access)
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 401, 40100)
	})
}

func TestBindPhone(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		code := fake.IssuePhoneCode("13800138000")
		var data struct {
			PhoneMasked string `json:"phone_masked"`
		}
		e.do("POST", "/api/v1/me/phone", map[string]string{"code": code}, s.Access).expect(t, 200, 0).decode(t, &data)
		if data.PhoneMasked != "138****8000" {
			t.Fatalf("phone_masked = %q", data.PhoneMasked)
		}
		me := e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 200, 0)
		var mine struct {
			PhoneMasked *string `json:"phone_masked"`
		}
		if me.decode(t, &mine); mine.PhoneMasked == nil || *mine.PhoneMasked != "138****8000" || strings.Contains(me.Raw, "13800138000") {
			t.Fatalf("/me = %s", me.Raw)
		}
		tests := []struct {
			name         string
			body         any
			token        string
			status, code int
		}{
			{"used code", map[string]string{"code": code}, s.Access, 401, 40102},
			{"unknown code", map[string]string{"code": "nope"}, s.Access, 401, 40102},
			{"missing code", map[string]string{}, s.Access, 422, 40001},
			{"no token", map[string]string{"code": "x"}, "", 401, 40100},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do("POST", "/api/v1/me/phone", tc.body, tc.token).expect(t, tc.status, tc.code)
			})
		}
	})
}

func TestBindPhoneDailyLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		before := fake.Count("/wxa/business/getuserphonenumber")
		for i := 0; i < 5; i++ {
			e.do("POST", "/api/v1/me/phone", map[string]string{"code": fake.IssuePhoneCode("13900139000")}, s.Access).expect(t, 200, 0)
		}
		r := e.do("POST", "/api/v1/me/phone", map[string]string{"code": fake.IssuePhoneCode("13900139000")}, s.Access).expect(t, 429, 42900)
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		if got := fake.Count("/wxa/business/getuserphonenumber") - before; got != 5 {
			t.Errorf("%d paid phone calls, want 5", got)
		}
		// The next business day (Asia/Shanghai) opens a new allowance.
		e.clock.Advance(24 * time.Hour)
		fresh := e.login(uniqueOpenID(t))
		_ = fresh
		s2 := e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(t, 200, 0)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		s2.decode(t, &tok)
		e.do("POST", "/api/v1/me/phone", map[string]string{"code": fake.IssuePhoneCode("13900139000")}, tok.AccessToken).expect(t, 200, 0)
	})
}

func TestPerIPRateLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		for i := 0; i < 3; i++ {
			e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": "x"}, "").expect(t, 401, 40102)
		}
		r := e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": "x"}, "").expect(t, 429, 42900)
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	}, func(c *config.Config) { c.RateLimitPerIP = 3 })
}

func TestEnvelopeForUnknownRoutes(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.do("GET", "/api/v1/nope", nil, "").expect(t, http.StatusNotFound, 40400)
		e.do("DELETE", "/api/v1/me", nil, "").expect(t, http.StatusMethodNotAllowed, 40500)
		r := e.do("GET", "/healthz", nil, "", "X-Request-ID", "abc-123").expect(t, 200, 0)
		if r.RequestID != "abc-123" || r.Header.Get("X-Request-ID") != "abc-123" {
			t.Errorf("incoming request id not kept: %s", r.Raw)
		}
		e.do("GET", "/readyz", nil, "").expect(t, 200, 0)
		e.do("GET", "/healthz", nil, "").expect(t, 200, 0)
		e.do("BREW", "/api/v1/coffee", nil, "").expect(t, http.StatusNotFound, 40400)
		m := e.do("GET", "/metrics", nil, "")
		for _, series := range []string{`unionhub_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
			`unionhub_http_requests_total{method="OTHER",route="unmatched",status="404"} 1`, "go_goroutines"} {
			if m.Status != 200 || !strings.Contains(m.Raw, series) {
				t.Errorf("metrics without %s:\n%s", series, m.Raw)
			}
		}
		if strings.Contains(m.Raw, "BREW") {
			t.Error("a client's method became a label value")
		}
	})
}

// No secret, token, session_key or full phone number may reach a log line.
func TestLogsHoldNoSecrets(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		e.do("POST", "/api/v1/me/phone", map[string]string{"code": fake.IssuePhoneCode("13700137000")}, s.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 200, 0)
		fake.FailNext("/sns/jscode2session", 1, -1)
		e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": fake.IssueLoginCode(uniqueOpenID(t), "")}, "").expect(t, 502, 50200)
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(t, 200, 0)
		logs := e.logs.String()
		var meLogged bool
		for _, l := range logLines(t, e) {
			meLogged = meLogged || l["msg"] == "request" && l["route"] == "/api/v1/me"
		}
		if !meLogged {
			t.Fatalf("access log missing: %s", logs)
		}
		for _, secret := range []string{fakewechatSecret(), s.Access, s.Refresh, "13700137000", "session_key", "access_token="} {
			if strings.Contains(logs, secret) {
				t.Errorf("log contains %q", secret)
			}
		}
	})
}
