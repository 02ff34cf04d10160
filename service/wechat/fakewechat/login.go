package fakewechat

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

type loginCode struct {
	openid, unionid string
	errcode         int // when set, the code always fails this way
	used            bool
}

// IssueLoginCode returns a new wx.login code that logs in as openid (and
// unionid, which may be empty: WeChat then sends none). It works once.
func (s *Server) IssueLoginCode(openid, unionid string) string {
	code := "fake-login-" + randomHex(12)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loginCodes[code] = &loginCode{openid: openid, unionid: unionid}
	return code
}

// IssueFailingLoginCode returns a login code for which jscode2session always
// answers errcode, such as 45011 (rate limited) or 40226 (user blocked).
func (s *Server) IssueFailingLoginCode(errcode int) string {
	code := "fake-login-" + randomHex(12)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loginCodes[code] = &loginCode{errcode: errcode}
	return code
}

// OpenIDFor returns the openid that development-mode login codes
// "<name>-..." log in as: stable for the app id and name, shaped like a real
// one (28 characters starting with "o").
func (s *Server) OpenIDFor(name string) string {
	return derivedID("openid", s.opts.AppID, name)
}

// UnionIDFor returns the unionid that development-mode login codes
// "<name>-..." log in as.
func (s *Server) UnionIDFor(name string) string {
	return derivedID("unionid", s.opts.AppID, name)
}

func derivedID(kind, appid, name string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + appid + "\x00" + name))
	return "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

// handleCode2Session is GET /sns/jscode2session.
func (s *Server) handleCode2Session(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	if !s.checkCredentials(w, q.Get("appid"), q.Get("secret")) {
		return
	}
	if q.Get("grant_type") != "authorization_code" {
		writeError(w, 40002)
		return
	}
	code := q.Get("js_code")
	if code == "" {
		writeError(w, 41008)
		return
	}
	openid, unionid, errcode := s.redeemLoginCode(code)
	if errcode != 0 {
		writeError(w, errcode)
		return
	}
	resp := map[string]any{"openid": openid, "session_key": base64.StdEncoding.EncodeToString([]byte(randomHex(8)))}
	if unionid != "" {
		resp["unionid"] = unionid
	}
	writeJSON(w, resp)
}

// redeemLoginCode spends code and returns whom it logs in as, or an errcode.
func (s *Server) redeemLoginCode(code string) (openid, unionid string, errcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lc, ok := s.loginCodes[code]; ok {
		switch {
		case lc.errcode != 0:
			return "", "", lc.errcode
		case lc.used:
			return "", "", 40163
		}
		lc.used = true
		return lc.openid, lc.unionid, 0
	}
	if !s.opts.AcceptAnyCode {
		return "", "", 40029
	}
	if s.usedLogin[code] {
		return "", "", 40163
	}
	s.usedLogin[code] = true
	name, _, _ := strings.Cut(code, "-")
	return s.OpenIDFor(name), s.UnionIDFor(name), 0
}
