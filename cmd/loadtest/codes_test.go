package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// TestLoginCodesRepeatable: two runs against one server (one fake WeChat
// that remembers spent codes) log the same names in as the same openids,
// the second with codes the fake has not seen.
func TestLoginCodesRepeatable(t *testing.T) {
	fake := fakewechat.New(fakewechat.Options{AcceptAnyCode: true})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	redeem := func(code string) (openid string, errcode int) {
		q := url.Values{"appid": {fakewechat.DefaultAppID}, "secret": {fakewechat.DefaultSecret},
			"js_code": {code}, "grant_type": {"authorization_code"}}
		resp, err := http.Get(srv.URL + "/sns/jscode2session?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			OpenID  string `json:"openid"`
			ErrCode int    `json:"errcode"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out.OpenID, out.ErrCode
	}
	names := []string{"ltadmin", "ltchair", "ltm42", "ltm42", "ltlogin7"}
	first, second := newLoginCodes(), newLoginCodes()
	for _, run := range []struct {
		name  string
		codes *loginCodes
	}{{"first run", first}, {"second run", second}} {
		t.Run(run.name, func(t *testing.T) {
			for _, name := range names {
				code := run.codes.next(name)
				openid, errcode := redeem(code)
				if errcode != 0 || openid != fake.OpenIDFor(name) {
					t.Fatalf("%s (code %q): openid %q, errcode %d; want %q", name, code, openid, errcode, fake.OpenIDFor(name))
				}
			}
		})
	}
	if first.nonce == second.nonce {
		t.Fatalf("two runs drew the same nonce %q", first.nonce)
	}
}
