package wechat

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// apiHost is the host silenceper/wechat sends every mini-program call to.
const apiHost = "api.weixin.qq.com"

// DefaultAPIBase is WeChat's own API base URL.
const DefaultAPIBase = "https://" + apiHost

// installed remembers what InstallHTTPClient set, so a second call can tell
// a repeat from a conflict.
var installed struct {
	sync.Mutex
	done    bool
	base    string
	timeout time.Duration
}

// InstallHTTPClient sets the HTTP client that silenceper/wechat uses for
// every call. That client is one package-level variable of the library, so
// this setting is process-wide: call it once, at start-up (cmd) or in a test
// binary's TestMain, before any Client is used. A repeated call with the
// same arguments is a no-op; one with different arguments is an error.
//
// Requests for https://api.weixin.qq.com go to apiBase instead (scheme,
// host and an optional path prefix; "" means WeChat itself), and every
// request gives up after timeout.
func InstallHTTPClient(apiBase string, timeout time.Duration) error {
	if apiBase == "" {
		apiBase = DefaultAPIBase
	}
	base, err := parseBase(apiBase)
	if err != nil {
		return err
	}
	if timeout <= 0 {
		return errors.New("wechat: HTTP timeout must be positive")
	}
	installed.Lock()
	defer installed.Unlock()
	if installed.done {
		if installed.base == apiBase && installed.timeout == timeout {
			return nil
		}
		return fmt.Errorf("wechat: HTTP client already installed for %s", installed.base)
	}
	util.DefaultHTTPClient = &http.Client{
		Timeout:   timeout,
		Transport: &rewriter{base: base, next: newTransport()},
	}
	installed.done, installed.base, installed.timeout = true, apiBase, timeout
	return nil
}

func parseBase(apiBase string) (*url.URL, error) {
	u, err := url.Parse(apiBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("wechat: API base %q is not an http(s) URL without query", apiBase)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func newTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

// rewriter sends requests for https://api.weixin.qq.com to base.
type rewriter struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (rw *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" || req.URL.Host != apiHost {
		return rw.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = rw.base.Scheme, rw.base.Host
	u.Path = rw.base.Path + req.URL.Path
	u.RawPath = ""
	out.URL, out.Host = &u, rw.base.Host
	return rw.next.RoundTrip(out)
}
