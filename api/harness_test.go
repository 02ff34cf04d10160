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

	"github.com/unionhub/unionhub/api"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/consolelogin"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/mydata"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/rights"
	"github.com/unionhub/unionhub/service/stats"
	"github.com/unionhub/unionhub/service/upload"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
	"github.com/unionhub/unionhub/service/wxpush"
)

// fake is the one fake WeChat server of this test binary: the library's
// HTTP client is process-wide, so every test shares it.
var (
	fake    *fakewechat.Server
	fakeURL string
)

func TestMain(m *testing.M) {
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

// testEnv is one UnionHub node on one backend pair.
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

func newEnv(t *testing.T, b modeltest.Backend, useRedis bool, opts ...envOption) *testEnv {
	t.Helper()
	db := modeltest.Open(t, b)
	clk := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	var c cache.Cache = cache.NewMemory(clk.Now)
	if useRedis {
		c = cache.WithPrefix(cachetest.Redis(t), cachetest.Prefix())
	}
	t.Cleanup(func() { _ = c.Close() })
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.RateLimitPerIP = 1_000_000 // every test request comes from one address; TestPerIPRateLimit sets its own
	cfg.WeChat.PushToken, cfg.Keys.WeChatPushAESKey = testPushToken, testPushAESKey
	for _, o := range opts {
		o(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	keys, err := pii.LoadOrCreateDevKeys(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	cipher, err := pii.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	wx := wechat.New(wechat.Config{AppID: fakewechat.DefaultAppID, Secret: fakewechat.DefaultSecret,
		APIBase: fakeURL, Timeout: 2 * time.Second}, c)
	limiter := ratelimit.New(c, clk.Now)
	ident := identity.New(db, c, wx, cipher, limiter, identity.Config{
		AccessTTL: cfg.HTTP.AccessTokenTTL, RefreshTTL: cfg.HTTP.RefreshTokenTTL,
		TokenKey: bytes.Repeat([]byte("k"), 32), Location: cfg.Location(),
	}, clk.Now, log)
	orgs := org.New(org.Deps{DB: db, Cache: c, Limiter: limiter, QR: wx, Now: clk.Now, Log: log}, org.Config{})
	aud := audit.New(db, bytes.Repeat([]byte("a"), 32), clk.Now, log)
	orgs.SetAuditor(audit.ForOrg(aud))
	notice, err := privacy.Load(cfg.PrivacyNoticeFile)
	if err != nil {
		t.Fatal(err)
	}
	files, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	uploads := upload.New(db, files, cipher, audit.ForOrg(aud), notice, clk.Now, log)
	apps := application.New(application.Deps{DB: db, PII: cipher, Audit: audit.ForOrg(aud), Files: uploads,
		Notice: notice, Now: clk.Now, Location: cfg.Location(), Log: log, Limiter: limiter})
	orgs.SetRollCounter(apps)
	members := membership.New(membership.Deps{DB: db, PII: cipher, Limiter: limiter, Audit: audit.ForOrg(aud),
		Now: clk.Now, Location: cfg.Location(), Log: log})
	st := stats.New(stats.Deps{DB: db, Cache: c, Now: clk.Now, Location: cfg.Location(), Log: log})
	orgs.SetOrgCounter(st)
	apps.SetStats(st)
	members.SetStats(st)
	cardKeys, err := card.LoadOrCreateDevKeys(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := card.New(card.Deps{DB: db, Cache: c, Keys: cardKeys, PII: cipher, Photos: uploads, Audit: audit.ForOrg(aud),
		Now: clk.Now, Location: cfg.Location(), Log: log}, card.Config{})
	if err != nil {
		t.Fatal(err)
	}
	members.SetCards(cards)
	notes := notify.New(notify.Deps{DB: db, Now: clk.Now})
	apps.SetNotifier(application.Notices{Service: notes, Template: "tmpl-application-result"})
	members.SetNotifier(application.Notices{Service: notes, Template: "tmpl-application-result"})
	rightsReqs := rights.New(rights.Deps{DB: db, PII: cipher, Members: members, Audit: audit.ForOrg(aud), Now: clk.Now,
		Notifier: application.Notices{Service: notes}, Location: cfg.Location(), Log: log})
	bg := newBackground(t, db, files, cipher, aud, st, clk, cfg, log)
	bg.worker.Register(org.JobDissolve, membership.NewDissolver(membership.DissolverDeps{Members: members,
		Queue: jobs.NewQueue(db, clk.Now), Orgs: orgs, Apps: apps, Stats: st}, membership.DissolverConfig{BatchSize: 100}).Handle)
	myData := mydata.New(mydata.Deps{DB: db, PII: cipher, Queue: jobs.NewQueue(db, clk.Now), Files: bg.files,
		Images: uploads, Limiter: limiter, Audit: audit.ForOrg(aud), Now: clk.Now, Location: cfg.Location(), Log: log})
	bg.worker.Register(mydata.JobKind, myData.Handle)
	push, err := wxpush.New(wxpush.Deps{DB: db, Sessions: ident, Ledger: notes, Now: clk.Now, Log: log},
		wxpush.Config{Token: cfg.WeChat.PushToken, AESKey: cfg.Keys.WeChatPushAESKey, AppID: fakewechat.DefaultAppID})
	if err != nil {
		t.Fatal(err)
	}
	router, adminRoutes := api.Routes(api.Deps{Push: push, Config: cfg, Log: log, DB: db, Cache: c, Limiter: limiter,
		Identity: ident, Orgs: orgs, Audit: aud, ServeMetrics: true, Now: clk.Now, Card: cards,
		Applications: apps, Uploads: uploads, Idempotency: model.NewIdempotencyStore(db), Notify: notes,
		Members: members, Stats: st, Imports: bg.imports, Exports: bg.exports, Privacy: notice, MyData: myData,
		Rights: rightsReqs, ConsoleFiles: testConsoleFiles,
		ConsoleLogin: consolelogin.New(db, c, wx, ident, aud, consolelogin.Config{Key: bytes.Repeat([]byte("c"), 32)}, clk.Now, log)})
	return &testEnv{t: t, router: router, clock: clk, logs: logs, cache: c, cfg: cfg, db: db, orgs: orgs, apps: apps, audit: aud, notify: notes, adminRoutes: adminRoutes, stats: st, bg: bg, card: cards, members: members}
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
