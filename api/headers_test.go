package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// cacheDirectives splits a Cache-Control header into its directives.
func cacheDirectives(h string) map[string]bool {
	out := map[string]bool{}
	for _, d := range strings.Split(h, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out[strings.SplitN(d, "=", 2)[0]] = true
		}
	}
	return out
}

// TestSecurityHeaders checks API.md §1: every reply, success or error,
// JSON or file, carries X-Content-Type-Options: nosniff, and every reply
// but the few public ones (card keys, code lists, a union's join code)
// carries Cache-Control: no-store.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		a := e.newApplicant("13911112222", idNumber("19880808", 88))
		app := e.apply(a, tr.u1)
		photo := photoPath(t, e.myCard(m.session).PhotoURL)
		export, _ := e.runExport(tr.chair1, tr.u1, "csv")
		big := strings.Repeat("x", 1<<20+1)

		tests := []struct {
			name, method, path string
			body               any
			token              string
			status             int
			cacheable          bool // a public reply that may be cached
		}{
			{"healthz", "GET", "/healthz", nil, "", 200, false},
			{"readyz", "GET", "/readyz", nil, "", 200, false},
			{"unknown route 404", "GET", "/api/v1/no-such-thing", nil, "", 404, false},
			{"unknown top-level route 404", "GET", "/favicon.ico", nil, "", 404, false},
			{"wrong method 405", "DELETE", "/api/v1/me", nil, m.Access, 405, false},
			{"no token 401", "GET", "/api/v1/me", nil, "", 401, false},
			{"bad json 400", "POST", "/api/v1/auth/wechat/login", "{", "", 400, false},
			{"body too large 413", "POST", "/api/v1/auth/wechat/login", big, "", 413, false},
			{"validation 422", "POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u1}, m.Access, 422, false},
			{"forbidden 403", "GET", "/api/v1/admin/members", nil, tr.plain.Access, 403, false},
			{"out of scope 404", "GET", "/api/v1/admin/members/" + m.MemberID, nil, tr.chair3.Access, 404, false},
			{"me", "GET", "/api/v1/me", nil, m.Access, 200, false},
			{"my card", "GET", "/api/v1/me/card", nil, m.Access, 200, false},
			{"my application", "GET", "/api/v1/applications/" + app.ID, nil, a.Access, 200, false},
			{"member list", "GET", "/api/v1/admin/members", nil, tr.staff1.Access, 200, false},
			{"member detail", "GET", "/api/v1/admin/members/" + m.MemberID, nil, tr.staff1.Access, 200, false},
			{"review queue", "GET", "/api/v1/admin/applications", nil, tr.staff1.Access, 200, false},
			{"audited detail", "GET", "/api/v1/admin/applications/" + app.ID, nil, tr.staff1.Access, 200, false},
			{"upload file", "GET", "/api/v1/uploads/" + a.front, nil, a.Access, 200, false},
			{"card photo file", "GET", photo, nil, "", 200, false},
			{"export file", "GET", "/api/v1/admin/exports/" + export + "/file", nil, tr.chair1.Access, 200, false},
			{"import template file", "GET", "/api/v1/admin/imports/template", nil, tr.chair1.Access, 200, false},
			{"card keys (public)", "GET", "/api/v1/card-keys", nil, "", 200, true},
			{"code lists (public)", "GET", "/api/v1/dicts", nil, "", 200, true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(tc.method, tc.path, tc.body, tc.token)
				if r.Status != tc.status {
					t.Fatalf("status %d, want %d: %.200s", r.Status, tc.status, r.Raw)
				}
				if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options %q, want nosniff", got)
				}
				cc := cacheDirectives(r.Header.Get("Cache-Control"))
				if tc.cacheable {
					if cc["no-store"] || !cc["max-age"] {
						t.Errorf("Cache-Control %q: a public reply should be cacheable", r.Header.Get("Cache-Control"))
					}
				} else if !cc["no-store"] {
					t.Errorf("Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
				}
			})
		}
	})
}

// TestSecurityHeadersOnRateLimit: a 429 carries Retry-After and the
// security headers.
func TestSecurityHeadersOnRateLimit(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		e.bindPhone(s, "13700001111")
		var r reply
		for range 10 {
			if r = e.do("POST", "/api/v1/me/card/claim", map[string]string{"name": "张三", "id_number": "11010519491231002X"},
				s.Access); r.Status == http.StatusTooManyRequests {
				break
			}
		}
		r.expect(t, 429, 42900)
		if r.Header.Get("Retry-After") == "" || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!cacheDirectives(r.Header.Get("Cache-Control"))["no-store"] {
			t.Errorf("429 headers: %v", r.Header)
		}
	})
}
