package fakewechat

import (
	"net/http"
	"time"
)

type token struct {
	expiresAt time.Time
	expired   bool // set by ExpireAccessTokens
}

func (t *token) valid(now time.Time) bool {
	return !t.expired && now.Before(t.expiresAt)
}

// ExpireAccessTokens expires every access token issued so far: the next call
// with one of them answers 42001, and the next stable_token call issues a
// new token.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expired = true
	}
}

// AccessToken returns the current stable access token, or "" when there is
// no valid one. Tests use it to check that no error string leaks it.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[s.stable]; ok && t.valid(time.Now()) {
		return s.stable
	}
	return ""
}

// issueToken stores and returns a new token; s.mu must be held.
func (s *Server) issueToken(now time.Time) string {
	at := "fake-at-" + randomHex(24)
	s.tokens[at] = &token{expiresAt: now.Add(s.opts.TokenTTL)}
	return at
}

// checkCredentials answers 40013 or 40125 and reports false when appid or
// secret are wrong.
func (s *Server) checkCredentials(w http.ResponseWriter, appid, secret string) bool {
	switch {
	case appid != s.opts.AppID:
		writeError(w, 40013)
	case secret != s.opts.Secret:
		writeError(w, 40125)
	default:
		return true
	}
	return false
}

// handleToken is GET /cgi-bin/token. Each call issues a new token; unlike
// WeChat, earlier ones stay valid until they expire.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credential" {
		writeError(w, 40002)
		return
	}
	if !s.checkCredentials(w, q.Get("appid"), q.Get("secret")) {
		return
	}
	now := time.Now()
	s.mu.Lock()
	at := s.issueToken(now)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": at, "expires_in": int(s.opts.TokenTTL.Seconds())})
}

// handleStableToken is POST /cgi-bin/stable_token: the current token while
// it is valid, a new one when it is not or when force_refresh is set (which
// invalidates the old one).
func (s *Server) handleStableToken(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if !decodeBody(w, body, &req) {
		return
	}
	if req.GrantType != "client_credential" {
		writeError(w, 40002)
		return
	}
	if !s.checkCredentials(w, req.AppID, req.Secret) {
		return
	}
	now := time.Now()
	s.mu.Lock()
	cur, ok := s.tokens[s.stable]
	if !ok || !cur.valid(now) || req.ForceRefresh {
		if req.ForceRefresh {
			delete(s.tokens, s.stable) // now unknown: 40001
		}
		s.stable = s.issueToken(now)
		cur = s.tokens[s.stable]
	}
	at, left := s.stable, cur.expiresAt.Sub(now)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": at, "expires_in": int(left.Seconds())})
}

// withToken checks the access_token query parameter before h.
func (s *Server) withToken(h func(http.ResponseWriter, *http.Request, []byte)) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		at := r.URL.Query().Get("access_token")
		if at == "" {
			writeError(w, 41001)
			return
		}
		s.mu.Lock()
		t, ok := s.tokens[at]
		valid := ok && t.valid(time.Now())
		s.mu.Unlock()
		switch {
		case !ok:
			writeError(w, 40001)
		case !valid:
			writeError(w, 42001)
		default:
			h(w, r, body)
		}
	}
}
