// Package api is UnionHub's HTTP layer: the gin route table, thin handlers,
// request and response types, middleware, and the one mapping from domain
// errors to HTTP statuses and envelope codes.
//
//	@title						UnionHub API
//	@version					1.0
//	@description				工会会员实名制 mini-program backend. Every reply is an envelope {code, message, data, request_id}; errors carry a Chinese message and, for validation errors (422/40001), details naming each bad field by JSON path. IDs are strings. Lists take ?limit= (default 20, max 100) and ?cursor= and answer {items, next_cursor}. Unknown routes answer 404/40400 and a known route with another method 405/40500. Every reply carries X-Content-Type-Options: nosniff and Cache-Control: no-store, except the public GET /card-keys, GET /dicts and a union's join code, which say how long they may be cached.
//	@BasePath					/api/v1
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token from /auth/wechat/login.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/consolelogin"
	"github.com/unionhub/unionhub/service/exporter"
	"github.com/unionhub/unionhub/service/idempotency"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/mydata"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/rights"
	"github.com/unionhub/unionhub/service/stats"
	"github.com/unionhub/unionhub/service/upload"
	"github.com/unionhub/unionhub/service/wxpush"
)

// Deps is everything the HTTP layer is built from; cmd wires it.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	// PingDB checks that the database answers (/readyz).
	PingDB   func(ctx context.Context) error
	Cache    cache.Cache
	Limiter  *ratelimit.Limiter
	Identity *identity.Service
	Orgs     *org.Service
	// Card issues and verifies e-member cards and runs the benefits.
	Card *card.Service
	// Applications, Uploads and Idempotency serve the joining flow.
	Applications *application.Service
	Uploads      *upload.Service
	Idempotency  *idempotency.Service
	Members      *membership.Service
	// Rights serves correction requests and disputes (API.md §10).
	Rights *rights.Service
	// Accounts takes and cancels account cancellations (注销, API.md §10).
	Accounts *account.Service
	Audit    *audit.Service
	// Notify serves the caller's in-app notifications.
	Notify *notify.Service
	// Push receives WeChat's message push; nil (no push token) answers 404.
	Push *wxpush.Receiver
	// Stats serves the monitoring overview.
	Stats *stats.Service
	// Imports and Exports serve the roll's Excel import and export.
	Imports *importer.Service
	Exports *exporter.Service
	// MyData serves the caller's access and copy rights (GET /me/data,
	// the data exports).
	MyData *mydata.Service
	// Privacy is the current privacy notice (GET /privacy/notice); nil
	// means the built-in one.
	Privacy *privacy.Notice
	// Metrics is the registry /metrics serves and the HTTP metrics join;
	// nil means a fresh one.
	Metrics *prometheus.Registry
	// ServeMetrics mounts /metrics on the API router (development); in
	// production it has its own listener.
	ServeMetrics bool
	// ConsoleLogin serves the web console's scan-to-login tickets
	// (API.md §12) and ConsoleFiles its built files (web/console); both
	// are mounted unless UNIONHUB_CONSOLE=false.
	ConsoleLogin *consolelogin.Service
	ConsoleFiles fs.FS
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server holds the handlers' dependencies, as Routes got them.
type Server struct {
	cfg          config.Config
	log          *slog.Logger
	pingDB       func(ctx context.Context) error
	cache        cache.Cache
	limiter      *ratelimit.Limiter
	identity     *identity.Service
	orgs         *org.Service
	cards        *card.Service
	apps         *application.Service
	uploads      *upload.Service
	idempotency  *idempotency.Service
	members      *membership.Service
	rights       *rights.Service
	accounts     *account.Service
	audit        *audit.Service
	notify       *notify.Service
	push         *wxpush.Receiver
	stats        *stats.Service
	imports      *importer.Service
	exports      *exporter.Service
	personalData *mydata.Service
	notice       *privacy.Notice
	metrics      *prometheus.Registry
	now          func() time.Time
	consoleLogin *consolelogin.Service
	consoleFiles fs.FS

	adminRoutes []AdminRoute
}

// newServer keeps d in unexported fields, with the defaults of Now,
// Privacy and Metrics.
func newServer(d Deps) *Server {
	s := &Server{cfg: d.Config, log: d.Log, pingDB: d.PingDB, cache: d.Cache, limiter: d.Limiter, identity: d.Identity,
		orgs: d.Orgs, cards: d.Card, apps: d.Applications, uploads: d.Uploads, idempotency: d.Idempotency,
		members: d.Members, rights: d.Rights, accounts: d.Accounts, audit: d.Audit, notify: d.Notify, push: d.Push, stats: d.Stats,
		imports: d.Imports, exports: d.Exports, personalData: d.MyData, notice: d.Privacy, metrics: d.Metrics,
		now: d.Now, consoleLogin: d.ConsoleLogin, consoleFiles: d.ConsoleFiles}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.notice == nil {
		s.notice = privacy.Default()
	}
	if s.metrics == nil {
		s.metrics = prometheus.NewRegistry()
	}
	return s
}

// ping is a dependency probe for /readyz.
type ping func(ctx context.Context) error
