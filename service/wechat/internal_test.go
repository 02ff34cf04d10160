package wechat

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// stubTransport records the request it is asked to send.
type stubTransport struct{ got *http.Request }

func (s *stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.got = r
	return nil, errors.New("stub")
}

func TestRewriter(t *testing.T) {
	tests := []struct {
		name, base, url string
		wantURL         string
		wantHost        string
	}{
		{"to fake", "http://127.0.0.1:9099", "https://api.weixin.qq.com/sns/jscode2session?a=1",
			"http://127.0.0.1:9099/sns/jscode2session?a=1", "127.0.0.1:9099"},
		{"with path prefix", "https://gw.example.com/wx/", "https://api.weixin.qq.com/wxa/msg_sec_check?access_token=x",
			"https://gw.example.com/wx/wxa/msg_sec_check?access_token=x", "gw.example.com"},
		{"other host untouched", "http://127.0.0.1:9099", "https://qyapi.weixin.qq.com/cgi-bin/gettoken",
			"https://qyapi.weixin.qq.com/cgi-bin/gettoken", "qyapi.weixin.qq.com"},
		{"plain http untouched", "http://127.0.0.1:9099", "http://api.weixin.qq.com/cgi-bin/token",
			"http://api.weixin.qq.com/cgi-bin/token", "api.weixin.qq.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, err := parseBase(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			stub := &stubTransport{}
			req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
			_, _ = (&rewriter{base: base, next: stub}).RoundTrip(req)
			if got := stub.got.URL.String(); got != tt.wantURL {
				t.Errorf("URL = %s, want %s", got, tt.wantURL)
			}
			if host := stub.got.Host; host != tt.wantHost && !(host == "" && stub.got.URL.Host == tt.wantHost) {
				t.Errorf("Host = %q, want %q", host, tt.wantHost)
			}
			if req.URL.String() != tt.url {
				t.Errorf("the caller's request was modified: %s", req.URL)
			}
		})
	}
}

func TestParseBaseRejects(t *testing.T) {
	for _, base := range []string{"ftp://x", "127.0.0.1:9099", "http://", "http://h/?q=1", "http://u:p@h"} {
		if _, err := parseBase(base); err == nil {
			t.Errorf("parseBase(%q) accepted", base)
		}
	}
}

func TestInstallHTTPClientTwice(t *testing.T) {
	// TestMain has installed the client already.
	installed.Lock()
	base, timeout := installed.base, installed.timeout
	installed.Unlock()
	if err := InstallHTTPClient(base, timeout); err != nil {
		t.Errorf("same settings again: %v", err)
	}
	if err := InstallHTTPClient("http://127.0.0.1:1", timeout); err == nil {
		t.Error("different settings accepted")
	}
	if err := InstallHTTPClient(base, 0); err == nil {
		t.Error("zero timeout accepted")
	}
}

func TestScrub(t *testing.T) {
	c := &Client{cfg: Config{Secret: "s3cr3t-0123456789"}}
	tests := []struct{ in, want string }{
		{`Get "https://api.weixin.qq.com/sns/jscode2session?appid=wx1&secret=s3cr3t-0123456789&js_code=abc&grant_type=authorization_code": EOF`,
			`Get "https://api.weixin.qq.com/sns/jscode2session?appid=wx1&secret=***&js_code=***&grant_type=authorization_code": EOF`},
		{`http get error : uri=https://h/wxa/x?access_token=TOKEN , statusCode=502`,
			`http get error : uri=https://h/wxa/x?access_token=*** , statusCode=502`},
		{`Post "https://h/p?code=C&x=1": reset`, `Post "https://h/p?code=***&x=1": reset`},
		{`errcode=40029 , errmsg=invalid code`, `errcode=40029 , errmsg=invalid code`},
		{`leaked s3cr3t-0123456789 here`, `leaked *** here`},
	}
	for _, tt := range tests {
		if got := c.scrub(tt.in); got != tt.want {
			t.Errorf("scrub(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// mapCache is the smallest cache.Cache for the adapter tests.
type mapCache struct {
	cache.Cache // unused methods panic
	m           map[string]string
	ttl         time.Duration
	fail        bool
}

func (m *mapCache) Get(_ context.Context, k string) (string, error) {
	if m.fail {
		return "", cache.ErrUnavailable
	}
	v, ok := m.m[k]
	if !ok {
		return "", cache.ErrMiss
	}
	return v, nil
}

func (m *mapCache) Set(_ context.Context, k, v string, ttl time.Duration) error {
	if m.fail {
		return cache.ErrUnavailable
	}
	m.m[k], m.ttl = v, ttl
	return nil
}

func (m *mapCache) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		delete(m.m, k)
	}
	return nil
}

func TestTokenCache(t *testing.T) {
	mc := &mapCache{m: map[string]string{}}
	tc := &tokenCache{c: mc}
	if v := tc.Get("k"); v != nil {
		t.Errorf("miss = %#v, want nil", v)
	}
	if err := tc.Set("k", "tok", 0); err != nil {
		t.Fatal(err)
	}
	if mc.ttl != minTokenTTL {
		t.Errorf("ttl = %v, want %v for a non-positive TTL", mc.ttl, minTokenTTL)
	}
	if v, ok := tc.Get("k").(string); !ok || v != "tok" || !tc.IsExist("k") {
		t.Errorf("hit = %#v", tc.Get("k"))
	}
	if _, ok := mc.m[cacheKeyPrefix+"k"]; !ok {
		t.Errorf("key not namespaced: %v", mc.m)
	}
	if err := tc.Set("n", 42, time.Hour); err == nil {
		t.Error("non-string value accepted")
	}
	if err := tc.Delete("k"); err != nil || tc.IsExist("k") {
		t.Errorf("delete: %v", err)
	}
	mc.fail = true
	if v := tc.Get("k"); v != nil {
		t.Errorf("get from a down cache = %#v, want nil", v)
	}
	if err := tc.Set("k", "tok", time.Hour); err != nil {
		t.Errorf("set on a down cache = %v, want nil", err)
	}
}
