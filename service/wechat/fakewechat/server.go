// Package fakewechat is a fake of the WeChat server API that UnionHub calls,
// for tests and for local development. It speaks the real paths, request and
// response shapes and error codes of:
//
//	GET  /cgi-bin/token                     (appid/secret: 40013, 40125)
//	POST /cgi-bin/stable_token              (appid/secret: 40013, 40125)
//	GET  /sns/jscode2session                (40029 unknown code, 40163 used code)
//	POST /wxa/business/getuserphonenumber   (40029 unknown or used code)
//	POST /cgi-bin/message/subscribe/send
//	POST /wxa/getwxacodeunlimit             (a JPEG, Content-Type: image/jpeg)
//	POST /wxa/msg_sec_check                 (version 2: result.suggest)
//
// Calls that need an access token answer 41001 without one, 40001 for a token
// the fake never issued and 42001 for an expired one (see ExpireAccessTokens).
// Login and phone codes work once.
//
// Tests issue codes with IssueLoginCode and IssuePhoneCode, make the next
// calls of a path fail or stall with Inject, FailNext and DelayNext, and read
// what the fake was sent with Requests, SentMessages and Count.
//
// # Development mode
//
// With Options{AcceptAnyCode: true} a developer needs no issued codes:
//
//   - any non-empty login code works once and logs in as the name before its
//     first '-': codes "alice-1", "alice-2", ... all give the same openid
//     (OpenIDFor("alice")) and unionid (UnionIDFor("alice"));
//   - any phone code "<11-digit mainland number>-<anything>", such as
//     "13800138000-1", works once and yields that number.
//
// The Server is an http.Handler; to run it, serve it on a port:
//
//	http.ListenAndServe("127.0.0.1:9099", fakewechat.New(fakewechat.Options{AcceptAnyCode: true}))
//
// and point the WeChat API base URL (wechat.InstallHTTPClient) at it.
package fakewechat

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// DefaultAppID is the app id the fake accepts when Options.AppID is empty.
const DefaultAppID = "wxfake0000000000"

// DefaultSecret is the secret the fake accepts when Options.Secret is empty.
const DefaultSecret = "fakesecret0000000000000000000000"

// Options configures a Server. The zero value is a strict fake with
// DefaultAppID and DefaultSecret.
type Options struct {
	// AppID and Secret are the credentials the fake accepts.
	AppID, Secret string
	// AcceptAnyCode turns on development mode (see the package doc).
	AcceptAnyCode bool
	// TokenTTL is how long an access token lives; default two hours.
	TokenTTL time.Duration
	// RiskyWords and ReviewWords make msg_sec_check answer "risky" or
	// "review" for content containing one of them. Defaults: "fake-risky"
	// and "fake-review".
	RiskyWords, ReviewWords []string
}

// Server is a fake WeChat API server. It is safe for concurrent use.
type Server struct {
	opts   Options
	routes map[string]route

	mu         sync.Mutex
	tokens     map[string]*token
	stable     string
	loginCodes map[string]*loginCode
	usedLogin  map[string]bool // development-mode login codes already spent
	usedPhone  map[string]bool // development-mode phone codes already spent
	phoneCodes map[string]*phoneCode
	faults     map[string][]Fault
	requests   []Request
	counts     map[string]int
	messages   []SentMessage
	msgID      int64
}

type route struct {
	method string
	handle func(w http.ResponseWriter, r *http.Request, body []byte)
}

// New returns a fake WeChat server.
func New(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.Secret == "" {
		opts.Secret = DefaultSecret
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 2 * time.Hour
	}
	if opts.RiskyWords == nil {
		opts.RiskyWords = []string{"fake-risky"}
	}
	if opts.ReviewWords == nil {
		opts.ReviewWords = []string{"fake-review"}
	}
	s := &Server{
		opts:       opts,
		tokens:     make(map[string]*token),
		loginCodes: make(map[string]*loginCode),
		usedLogin:  make(map[string]bool),
		usedPhone:  make(map[string]bool),
		phoneCodes: make(map[string]*phoneCode),
		faults:     make(map[string][]Fault),
		counts:     make(map[string]int),
	}
	s.routes = map[string]route{
		"/cgi-bin/token":                   {http.MethodGet, s.handleToken},
		"/cgi-bin/stable_token":            {http.MethodPost, s.handleStableToken},
		"/sns/jscode2session":              {http.MethodGet, s.handleCode2Session},
		"/wxa/business/getuserphonenumber": {http.MethodPost, s.withToken(s.handlePhoneNumber)},
		"/cgi-bin/message/subscribe/send":  {http.MethodPost, s.withToken(s.handleSubscribeSend)},
		"/wxa/getwxacodeunlimit":           {http.MethodPost, s.withToken(s.handleWXACode)},
		"/wxa/msg_sec_check":               {http.MethodPost, s.withToken(s.handleMsgSecCheck)},
	}
	return s
}

// ServeHTTP records the request, applies any injected fault for its path and
// then answers as WeChat would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	body := s.record(r)
	if f, ok := s.nextFault(r.URL.Path); ok && f.apply(w, r) {
		return
	}
	if r.Method != rt.method {
		if rt.method == http.MethodPost {
			writeError(w, 43002)
		} else {
			writeError(w, 43001)
		}
		return
	}
	rt.handle(w, r, body)
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
