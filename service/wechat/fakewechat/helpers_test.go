package fakewechat_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

const (
	appID  = "wxapp0123456789a"
	secret = "secret-0123456789abcdef01234567"
)

// env is one fake behind a test server.
type env struct {
	t    *testing.T
	fake *fakewechat.Server
	srv  *httptest.Server
}

func newEnv(t *testing.T, opts fakewechat.Options) *env {
	t.Helper()
	opts.AppID, opts.Secret = appID, secret
	f := fakewechat.New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &env{t: t, fake: f, srv: srv}
}

// answer is a decoded JSON answer.
type answer map[string]any

func (a answer) errcode() int {
	n, _ := a["errcode"].(float64)
	return int(n)
}

func (a answer) str(key string) string {
	s, _ := a[key].(string)
	return s
}

// get sends GET path?query and decodes the JSON answer.
func (e *env) get(path string, query url.Values) answer {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + path + "?" + query.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.decode(resp)
}

// post sends body as JSON to path?access_token=token and decodes the answer.
func (e *env) post(path, token string, body any) answer {
	e.t.Helper()
	resp := e.postRaw(path, token, body)
	return e.decode(resp)
}

func (e *env) postRaw(path, token string, body any) *http.Response {
	e.t.Helper()
	b, _ := json.Marshal(body)
	u := e.srv.URL + path
	if token != "" {
		u += "?access_token=" + url.QueryEscape(token)
	}
	resp, err := http.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func (e *env) decode(resp *http.Response) answer {
	e.t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		e.t.Fatalf("answer %q (HTTP %d) is not JSON: %v", b, resp.StatusCode, err)
	}
	return a
}

// token returns a valid stable access token.
func (e *env) token() string {
	e.t.Helper()
	a := e.post("/cgi-bin/stable_token", "", map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret})
	if a.str("access_token") == "" {
		e.t.Fatalf("no token: %v", a)
	}
	return a.str("access_token")
}

func (e *env) login(code string) answer {
	e.t.Helper()
	return e.get("/sns/jscode2session", url.Values{
		"appid": {appID}, "secret": {secret}, "js_code": {code}, "grant_type": {"authorization_code"},
	})
}
