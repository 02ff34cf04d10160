package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/api"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/stats"
	"github.com/unionhub/unionhub/service/upload"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// fake is the one fake WeChat server of this test binary: the library's
// HTTP client is process-wide, so every test shares it.
var (
	fake    *fakewechat.Server
	fakeURL string
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // as cmd/unionhub runs it
	fake = fakewechat.New(fakewechat.Options{})
	srv := httptest.NewServer(fake)
	fakeURL = srv.URL
	if err := wechat.InstallHTTPClient(srv.URL, 2*time.Second); err != nil {
		panic(err)
	}
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is one UnionHub node on one backend pair, built by
// internal/node as `unionhub serve` builds it, on the test's clock,
// database, cache and fake WeChat.
type testEnv struct {
	t      *testing.T
	router http.Handler
	clock  *clock
	logs   *syncBuffer
	cache  cache.Cache
	cfg    config.Config
	db     *gorm.DB // for tests that act as an attacker who can write the database
	orgs   *org.Service
	apps   *application.Service
	audit  *audit.Service
	notify *notify.Service
	stats  *stats.Service
	bg     *background // imports, exports and the jobs worker
	// members, with orgs, apps and stats, builds the dissolution workers
	// of tests that run several nodes.
	members *membership.Service
	card    *card.Service

	adminRoutes []api.AdminRoute
	// accountsOn builds a node's account cancellation service
	// (deactivation_test.go); uploads runs the hourly file cleanup in
	// retention tests.
	accountsOn func(account.Config) *account.Service
	uploads    *upload.Service
	// notice is the node's privacy notice; publishNotice replaces it as a
	// restart with another UNIONHUB_PRIVACY_NOTICE_FILE would.
	notice *privacy.Notice
	// bodies holds every reply body, for tests that scan them for leaks.
	bodies syncBuffer
}

type envOption func(*config.Config)

// eachBackend runs fn on SQLite + in-process cache, and on MySQL + Redis
// when the test environment names them.
func eachBackend(t *testing.T, fn func(t *testing.T, e *testEnv), opts ...envOption) {
	t.Helper()
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			fn(t, newEnv(t, b, b.Driver == "mysql" && os.Getenv(cachetest.RedisAddrEnv) != "", opts...))
		})
	}
}

// The harness's keys, so that tests can sign what an attacker would.
var (
	testTokenKey = bytes.Repeat([]byte("k"), 32)
	testAuditKey = bytes.Repeat([]byte("a"), 32)
)

// Small batches, so that small data crosses batch boundaries.
var testBatches = node.Batches{Import: 4, Export: 3, Dissolve: 100}

func newEnv(t *testing.T, b modeltest.Backend, useRedis bool, opts ...envOption) *testEnv {
	t.Helper()
	db := modeltest.Open(t, b)
	clk := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	var c cache.Cache = cache.NewMemory(clk.Now)
	if useRedis {
		c = cache.WithPrefix(cachetest.RedisNear(t, cache.NearOptions{Keys: node.NearKeys}), cachetest.Prefix())
	}
	t.Cleanup(func() { _ = c.Close() })
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.RateLimitPerIP = 1_000_000 // every test request comes from one address; TestPerIPRateLimit sets its own
	cfg.WeChat.APIBase, cfg.WeChat.Timeout = fakeURL, 2*time.Second
	cfg.WeChat.AppID, cfg.WeChat.Secret = fakewechat.DefaultAppID, fakewechat.DefaultSecret
	cfg.WeChat.TemplateApplicationResult = "tmpl-application-result"
	cfg.WeChat.PushToken, cfg.Keys.WeChatPushAESKey = testPushToken, testPushAESKey
	cfg.Keys.TokenKey = base64.StdEncoding.EncodeToString(testTokenKey)
	cfg.Keys.AuditKey = base64.StdEncoding.EncodeToString(testAuditKey)
	cfg.MetricsAddr = "" // /metrics on the API router
	for _, o := range opts {
		o(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	files, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(t.Context(), cfg, node.Options{Log: log, Now: clk.Now, DB: db, Cache: c, Blobs: files,
		Batches: testBatches, ConsoleFiles: testConsoleFiles})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	bg := &background{t: t, imports: n.Imports, exports: n.Exports, files: n.JobFiles, blobs: files, worker: n.Worker}
	// accountsOn builds another node's account cancellation service,
	// whose deletions stop where its AfterStep says (tests of nodes dying).
	accountsOn := func(ac account.Config) *account.Service {
		return account.New(service.Env{Now: clk.Now, Location: cfg.Location(), Log: log},
			node.AccountDeps(n, ratelimit.New(c, clk.Now)), ac)
	}
	return &testEnv{accountsOn: accountsOn, uploads: n.Uploads, notice: n.Notice, t: t, router: n.Router, clock: clk, logs: logs, cache: c, cfg: cfg, db: db, orgs: n.Orgs,
		apps: n.Apps, audit: n.Audit, notify: n.Notify, adminRoutes: n.AdminRoutes, stats: n.Stats, bg: bg,
		card: n.Cards, members: n.Members}
}

// reply is a decoded envelope.
type reply struct {
	Status    int
	Header    http.Header
	Raw       string
	Code      int             `json:"code"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data"`
	RequestID string          `json:"request_id"`
	Details   []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"details"`
}

// do sends one request through the real router. body may be a string
// (sent as is) or any value (sent as JSON).
func (e *testEnv) do(method, path string, body any, token string, headers ...string) reply {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req := httptest.NewRequestWithContext(context.Background(), method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, req)
	return e.parse(w)
}

// parse decodes a recorded reply; every body is kept for leak scans.
func (e *testEnv) parse(w *httptest.ResponseRecorder) reply {
	e.t.Helper()
	out := reply{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	e.bodies.Write([]byte(out.Raw + "\n"))
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			e.t.Fatalf("reply is not JSON: %v\n%s", err, w.Body.String())
		}
	}
	return out
}

// decode unmarshals the reply's data into v.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("data: %v\n%s", err, r.Raw)
	}
}

// expect fails unless the reply has the status and envelope code.
func (r reply) expect(t *testing.T, status, code int) reply {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("got %d/%d, want %d/%d: %s", r.Status, r.Code, status, code, r.Raw)
	}
	return r
}

// session is a logged-in test user.
type session struct {
	Access, Refresh, UserID string
	BindingID               string
}

// login logs a new WeChat user in and returns the tokens.
func (e *testEnv) login(openid string) session {
	e.t.Helper()
	code := fake.IssueLoginCode(openid, "")
	var data struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		User         struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	e.do("POST", "/api/v1/auth/wechat/login", map[string]string{"code": code}, "").expect(e.t, 200, 0).decode(e.t, &data)
	return session{Access: data.AccessToken, Refresh: data.RefreshToken, UserID: data.User.ID}
}

// uniqueOpenID returns an openid no other test uses.
func uniqueOpenID(t *testing.T) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "o_" + hex.EncodeToString(b[:])
}

// flushSession drops the cached state of the access token's session, as a
// cache flush or failover would.
func flushSession(t *testing.T, e *testEnv, access string) {
	t.Helper()
	parts := strings.Split(access, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if err := e.cache.Delete(context.Background(), "sess:"+claims.SID); err != nil {
		t.Fatal(err)
	}
}

func fakewechatSecret() string { return fakewechat.DefaultSecret }
