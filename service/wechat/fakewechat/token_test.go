package fakewechat_test

import (
	"net/url"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

func TestTokenEndpoints(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	stable := func(appid, sec string) answer {
		return e.post("/cgi-bin/stable_token", "", map[string]any{"grant_type": "client_credential", "appid": appid, "secret": sec})
	}
	classic := func(appid, sec string) answer {
		return e.get("/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {appid}, "secret": {sec}})
	}
	tests := []struct {
		name     string
		call     func(appid, secret string) answer
		appid    string
		secret   string
		wantCode int
	}{
		{"stable ok", stable, appID, secret, 0},
		{"stable bad appid", stable, "wxother", secret, 40013},
		{"stable bad secret", stable, appID, "nope", 40125},
		{"classic ok", classic, appID, secret, 0},
		{"classic bad appid", classic, "wxother", secret, 40013},
		{"classic bad secret", classic, appID, "nope", 40125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.call(tt.appid, tt.secret)
			if a.errcode() != tt.wantCode {
				t.Fatalf("answer %v, want errcode %d", a, tt.wantCode)
			}
			if tt.wantCode == 0 && (a.str("access_token") == "" || a["expires_in"].(float64) <= 0) {
				t.Errorf("answer %v lacks access_token or expires_in", a)
			}
		})
	}
}

func TestStableTokenLifecycle(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	check := func(token string) int {
		return e.post("/wxa/msg_sec_check", token, map[string]any{"version": 2, "openid": "o", "scene": 1, "content": "hi"}).errcode()
	}
	first := e.token()
	if again := e.token(); again != first {
		t.Errorf("normal mode gave a new token while the old one is valid")
	}
	if e.fake.AccessToken() != first {
		t.Errorf("AccessToken() = %q, want %q", e.fake.AccessToken(), first)
	}
	if got := check(first); got != 0 {
		t.Errorf("valid token: errcode %d", got)
	}
	e.fake.ExpireAccessTokens()
	if got := check(first); got != 42001 {
		t.Errorf("expired token: errcode %d, want 42001", got)
	}
	second := e.token()
	if second == first || check(second) != 0 {
		t.Errorf("no fresh token after expiry")
	}
	forced := e.post("/cgi-bin/stable_token", "", map[string]any{
		"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": true,
	}).str("access_token")
	if forced == second || check(forced) != 0 {
		t.Errorf("force_refresh gave no fresh token")
	}
	if got := check(second); got != 40001 {
		t.Errorf("token replaced by force_refresh: errcode %d, want 40001", got)
	}
	if got := check("never-issued"); got != 40001 {
		t.Errorf("unknown token: errcode %d, want 40001", got)
	}
	if got := check(""); got != 41001 {
		t.Errorf("no token: errcode %d, want 41001", got)
	}
}
