// Package node wires one UnionHub API node top to bottom: the keys, the
// database, the cache, the file store, every service, the background work
// and the router. `unionhub serve` runs what it builds, and so do
// cmd/loadtest, so that the load test measures the server as it runs, and
// the API tests (api/harness_test.go), which put their clock, database,
// cache and fakes in Options. It lives outside cmd so that those tests may
// import it.
package node

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/api"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/consolelogin"
	"github.com/unionhub/unionhub/service/exporter"
	"github.com/unionhub/unionhub/service/idempotency"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobfile"
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
	"github.com/unionhub/unionhub/web/console"
)

// cardFlushTimeout bounds the last write of the verification log on
// shutdown.
const cardFlushTimeout = 10 * time.Second

// Options put in place what Open would otherwise build from the
// configuration: the zero Options is `unionhub serve`'s node. Tests pass
// their clock, logger, database, cache, file store and fakes here, so that
// they run the graph serve runs.
type Options struct {
	// Log is the node's logger; nil is slog.Default().
	Log *slog.Logger
	// Now is the clock of every service; nil is time.Now.
	Now func() time.Time
	// DB is an open database of the current schema, which Close leaves
	// open; nil opens (and in development migrates) the configured one.
	DB *gorm.DB
	// Cache is the shared cache, which Close leaves open; nil opens the
	// configured one.
	Cache cache.Cache
	// Blobs is the file store; nil opens the configured one.
	Blobs blob.Store
	// Keys are the node's keys; nil loads the configured ones
	// (LoadSecrets).
	Keys *Secrets
	// ContentCheck is WeChat's msg_sec_check for the applications' free
	// text; nil is the node's WeChat client (at UNIONHUB_WECHAT_API_BASE).
	ContentCheck application.SecChecker
	// Batches size the background jobs; zero fields are the production
	// sizes.
	Batches Batches
	// ConsoleFiles is the built web console; nil is the embedded one
	// (web/console).
	ConsoleFiles fs.FS
}

// Batches are how much one step of a background job takes (tests take
// few, so that small data crosses batch boundaries).
type Batches struct {
	Import   int // sheet rows per transaction
	Export   int // members per query
	Dissolve int // members moved per transaction
}

// Node is one API node. Open builds it, Start runs its background work,
// Close stops that work and releases everything.
type Node struct {
	Config config.Config
	// Keys are the node's keys; Keys.Generated says they are development
	// keys from the data dir.
	Keys    Secrets
	DB      *gorm.DB
	Cache   cache.Cache
	Metrics *prometheus.Registry
	// Router serves the API (and /metrics unless the configuration puts
	// the metrics on a listener of their own).
	Router *gin.Engine
	// AdminRoutes are the router's guarded routes, for tests that walk
	// every one of them.
	AdminRoutes []api.AdminRoute
	// Calendar is the working-day calendar (built in, extended by
	// UNIONHUB_HOLIDAYS_FILE) that deadlines, rights requests and reports
	// take in their constructors.
	Calendar *calendar.Calendar

	// The services, for the tests and tools that drive them beside the
	// router.
	Identity *identity.Service
	Orgs     *org.Service
	Audit    *audit.Service
	Uploads  *upload.Service
	Apps     *application.Service
	Members  *membership.Service
	Stats    *stats.Service
	Cards    *card.Service
	Notify   *notify.Service
	Rights   *rights.Service
	MyData   *mydata.Service
	// Accounts cancels accounts (注销) and erases closed applications.
	Accounts *account.Service
	// Notice is the privacy notice the node serves and checks consents
	// against.
	Notice  *privacy.Notice
	Imports *importer.Service
	Exports *exporter.Service
	// Blobs is the file store; JobFiles the import sheets and export files
	// in it.
	Blobs    blob.Store
	JobFiles *jobfile.Store
	// Worker runs the background jobs (Start runs it; tests call RunOnce).
	Worker *jobs.Worker

	log      *slog.Logger
	bg       *background
	closers  []func() // Close runs them last first
	stopOnce sync.Once
	stop     func() // Start's
}

// Open builds a node on cfg and opts: it opens the database (migrating it
// where cfg.AutoMigrate, else refusing an older schema), the cache and the
// file store, unless opts gives them, and builds every service from its
// collaborators, in dependency order, and the router. Nothing runs until
// Start.
func Open(ctx context.Context, cfg config.Config, opts Options) (n *Node, err error) {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	env := service.Env{Now: now, Location: cfg.Location(), Log: log}
	n = &Node{Config: cfg, log: log, stop: func() {}}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if opts.Keys != nil {
		n.Keys = *opts.Keys
	} else if n.Keys, err = LoadSecrets(cfg); err != nil {
		return n, err
	}
	cipher, err := pii.New(n.Keys.PII)
	if err != nil {
		return n, err
	}
	notice, err := privacy.Load(cfg.PrivacyNoticeFile)
	if err != nil {
		return n, fmt.Errorf("UNIONHUB_PRIVACY_NOTICE_FILE: %w", err)
	}
	cal, err := calendar.Load(cfg.HolidaysFile)
	if err != nil {
		return n, fmt.Errorf("UNIONHUB_HOLIDAYS_FILE: %w", err)
	}
	n.Calendar, n.Notice = cal, notice
	logCalendar(log, cal, calendar.DateOf(now().In(cfg.Location())))
	if err := n.openStores(ctx, cfg, opts, log); err != nil {
		return n, err
	}
	db, c := n.DB, n.Cache
	if err := wechat.InstallHTTPClient(cfg.WeChat.APIBase, cfg.WeChat.Timeout); err != nil {
		return n, fmt.Errorf("UNIONHUB_WECHAT_API_BASE: %w", err)
	}
	wx := wechat.New(wechat.Config{AppID: cfg.WeChat.AppID, Secret: cfg.WeChat.Secret,
		APIBase: cfg.WeChat.APIBase, Timeout: cfg.WeChat.Timeout}, c)
	var secCheck application.SecChecker = wx
	if opts.ContentCheck != nil {
		secCheck = opts.ContentCheck
	}

	// The foundations: nothing here depends on a domain service.
	limiter := ratelimit.New(c, opts.Now)
	bg := newBackground(db, wx, opts.Now, log) // notifications, outbox delivery, jobs, periodic tasks
	n.bg, n.Notify, n.Worker = bg, bg.Notify, bg.Worker
	aud := audit.New(db, n.Keys.AuditKey, opts.Now, log)
	n.Audit = aud
	st := stats.New(env, stats.Deps{DB: db, Cache: c, Calendar: cal})
	n.Stats = st
	notices := application.Notices{Service: bg.Notify, Template: cfg.WeChat.TemplateApplicationResult}
	ident := identity.New(db, c, wx, cipher, limiter, identity.Config{
		AccessTTL: cfg.HTTP.AccessTokenTTL, RefreshTTL: cfg.HTTP.RefreshTokenTTL,
		TokenKey: n.Keys.TokenKey, Location: cfg.Location(),
	}, opts.Now, log)
	n.Identity = ident

	// The domains, each after what it takes.
	orgs := org.New(env, org.Deps{DB: db, Cache: c, Limiter: limiter, QR: wx, Counter: st, Audit: aud}, org.Config{})
	n.Orgs = orgs
	uploads := upload.New(env, upload.Deps{DB: db, Store: n.Blobs, PII: cipher, Audit: aud, Notice: notice})
	n.Uploads = uploads
	check := application.NewContentCheck(db, bg.Queue, secCheck, log)
	bg.Worker.Register(application.JobContentCheck, check.Handle)
	apps := application.New(env, application.Deps{DB: db, PII: cipher, Notifier: notices, Audit: aud, Checker: check,
		Stats: st, Files: uploads, Notice: notice, Limiter: limiter, Calendar: cal},
		application.Config{IDImageRetention: time.Duration(cfg.IDImageRetentionDays) * 24 * time.Hour})
	n.Apps = apps
	cards, err := card.New(env, card.Deps{DB: db, Cache: c, Keys: n.Keys.Card, PII: cipher, Photos: uploads, Audit: aud},
		card.Config{})
	if err != nil {
		return n, err
	}
	n.Cards = cards
	members := membership.New(env, membership.Deps{DB: db, PII: cipher, Limiter: limiter, Cards: cards, Stats: st,
		Notifier: notices, Audit: aud})
	n.Members = members
	n.Rights = rights.New(env, rights.Deps{DB: db, PII: cipher, Members: members, Notifier: notices, Audit: aud,
		Calendar: cal})
	dissolver := membership.NewDissolver(membership.DissolverDeps{Members: members, Queue: bg.Queue, Orgs: orgs,
		Apps: apps, Stats: st}, membership.DissolverConfig{BatchSize: opts.Batches.Dissolve})
	bg.Worker.Register(org.JobDissolve, dissolver.Handle)
	n.JobFiles = jobfile.New(db, n.Blobs, cipher, opts.Now, log)
	n.Imports, n.Exports = newRollFiles(env, bg, db, n.JobFiles, cipher, aud, st, opts.Batches)
	n.MyData = mydata.New(env, mydata.Deps{DB: db, PII: cipher, Queue: bg.Queue, Files: n.JobFiles, Images: uploads,
		Limiter: limiter, Audit: aud})
	bg.Worker.Register(mydata.JobKind, n.MyData.Handle)
	n.Accounts = account.New(env, AccountDeps(n, limiter), account.Config{
		ClosedApplicationRetention: time.Duration(cfg.ClosedApplicationRetentionDays) * 24 * time.Hour})
	n.Accounts.Schedule(bg.Runner)
	push, err := newPush(env, cfg, db, ident, bg)
	if err != nil {
		return n, err
	}

	bg.Runner.Every("upload_cleanup", time.Hour, func(ctx context.Context) error {
		n, err := uploads.Cleanup(ctx)
		if n > 0 {
			log.InfoContext(ctx, "uploads deleted on schedule", "files", n)
		}
		return err
	})
	bg.Runner.Every("application_deadlines", deadlineSweep, func(ctx context.Context) error {
		n, err := apps.SweepDeadlines(ctx)
		if n != (application.Sweep{}) {
			log.InfoContext(ctx, "review deadline notices sent", "reminders", n.Reminders, "due_day", n.DueDay,
				"escalations", n.Escalations, "due_dates_backfilled", n.Backfilled)
		}
		return err
	})

	consoleFiles := opts.ConsoleFiles
	if consoleFiles == nil {
		consoleFiles = console.Files()
	}
	n.Metrics = prometheus.NewRegistry()
	n.Metrics.MustRegister(cards.Metrics())
	n.Router, n.AdminRoutes = api.Routes(api.Deps{Config: cfg, Log: log,
		PingDB: func(ctx context.Context) error { return model.Ping(ctx, db) }, Cache: c, Limiter: limiter,
		Identity: ident, Orgs: orgs, Audit: aud, Metrics: n.Metrics, Card: cards,
		Applications: apps, Uploads: uploads, Idempotency: idempotency.New(env, db), Members: members,
		Notify: bg.Notify, Stats: st, ServeMetrics: cfg.MetricsAddr == "", Imports: n.Imports, Exports: n.Exports,
		Privacy: notice, MyData: n.MyData, Rights: n.Rights, Push: push, Accounts: n.Accounts, Now: opts.Now,
		ConsoleLogin: consolelogin.New(db, c, wx, ident, aud, consolelogin.Config{Key: n.Keys.TokenKey}, opts.Now, log),
		ConsoleFiles: consoleFiles})
	return n, nil
}

// openStores opens the database, the cache and the file store that opts
// does not give; Close closes those it opened.
func (n *Node) openStores(ctx context.Context, cfg config.Config, opts Options, log *slog.Logger) error {
	n.DB, n.Cache, n.Blobs = opts.DB, opts.Cache, opts.Blobs
	if n.DB == nil {
		db, err := OpenDB(ctx, cfg, log)
		if err != nil {
			return err
		}
		n.DB = db
		n.closers = append(n.closers, func() { _ = model.Close(db) })
		if err := EnsureSchema(ctx, cfg, db, log); err != nil {
			return err
		}
	}
	if n.Cache == nil {
		c, err := cache.Open(ctx, cfg.Redis.Addr, cache.OpenOptions{Password: cfg.Redis.Password, DB: cfg.Redis.DB, Now: opts.Now,
			Near: cache.NearOptions{Keys: NearKeys, NoCopies: !cfg.Redis.NearCopiesOn()}})
		if err != nil {
			return fmt.Errorf("cache: %w", err)
		}
		n.Cache = c
		n.closers = append(n.closers, func() { _ = c.Close() })
	}
	if n.Blobs == nil {
		files, err := OpenBlobs(ctx, cfg)
		if err != nil {
			return err
		}
		n.Blobs = files
	}
	return nil
}

// NearKeys are the keys each node keeps copies of in front of Redis
// (cache/near.go): what nearly every request reads first, its session, the
// caller's roles and a card's state.
func NearKeys(key string) bool {
	return identity.IsSessionCacheKey(key) || org.IsRolesCacheKey(key) || card.IsStateCacheKey(key)
}

// Work is what Start runs.
type Work int

const (
	// Serving is what answering requests needs: the verification-log
	// writer. The load test runs only this, so that it never delivers or
	// purges anything of the database it is pointed at.
	Serving Work = iota
	// Everything adds outbox delivery, jobs, periodic tasks and the audit
	// head written to the log daily: a node in service.
	Everything
)

// Start runs the node's work until Close (or ctx's end): pass a context
// that outlives the HTTP servers, so that requests finishing during a
// graceful shutdown still have it. Call it once.
func (n *Node) Start(ctx context.Context, w Work) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { n.Cards.Run(ctx) })
	stopBackground := func() {}
	if w == Everything {
		wg.Go(func() { n.Audit.LogHeadDaily(ctx, n.log) })
		stopBackground = n.bg.start(ctx)
	}
	n.stop = func() {
		stopBackground()
		cancel()
		wg.Wait()
		// What the verification log still holds is written now, before
		// the database closes.
		fctx, cancelFlush := context.WithTimeout(context.Background(), cardFlushTimeout)
		defer cancelFlush()
		if err := n.Cards.Close(fctx); err != nil {
			n.log.Error("verification records lost on shutdown", "err", err)
		}
		if d := n.Cards.Dropped(); d > 0 {
			n.log.Warn("verification records were lost while running (unionhub_verification_records_lost_total)", "lost", d)
		}
	}
}

// Close stops the background work (the job or message at hand is
// recorded, the verification log written), then closes the cache and the
// database. Call it after the HTTP servers have stopped.
func (n *Node) Close() {
	n.stopOnce.Do(func() {
		n.stop()
		for i := len(n.closers) - 1; i >= 0; i-- {
			n.closers[i]()
		}
	})
}

// OpenDB opens the configured database.
func OpenDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*gorm.DB, error) {
	return model.Open(ctx, model.Options{Driver: cfg.DB.Driver, DSN: cfg.DB.DSN, DataDir: cfg.DataDir,
		MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns,
		ConnMaxLifetime: cfg.DB.ConnMaxLifetime, ConnMaxIdleTime: cfg.DB.ConnMaxIdleTime, Logger: log})
}

// EnsureSchema migrates at start in development; production expects
// `unionhub migrate` to have run and refuses a schema it does not match.
func EnsureSchema(ctx context.Context, cfg config.Config, db *gorm.DB, log *slog.Logger) error {
	if cfg.AutoMigrate() {
		return model.Migrate(ctx, db, log)
	}
	v, err := model.SchemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if v < model.LatestVersion() {
		return fmt.Errorf("database schema is at version %d, this build needs %d: run `unionhub migrate`", v, model.LatestVersion())
	}
	return nil
}

// OpenBlobs returns the file store: S3-compatible object storage when
// configured (checked at start, so a wrong bucket fails now), else a
// directory under the data dir.
func OpenBlobs(ctx context.Context, cfg config.Config) (blob.Store, error) {
	if cfg.S3.Endpoint == "" {
		return blob.NewLocal(filepath.Join(cfg.DataDir, "uploads"))
	}
	s3, err := blob.NewS3(blob.S3Config{Endpoint: cfg.S3.Endpoint, Region: cfg.S3.Region, Bucket: cfg.S3.Bucket,
		AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, UseTLS: cfg.S3.UseTLS, Prefix: cfg.S3.Prefix})
	if err != nil {
		return nil, fmt.Errorf("UNIONHUB_S3_*: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s3.Check(cctx); err != nil {
		return nil, fmt.Errorf("object storage: %w", err)
	}
	return s3, nil
}

// AccountDeps are the collaborators of n's account cancellations, counting
// in limiter's cache (tests build more nodes' services from them).
func AccountDeps(n *Node, limiter *ratelimit.Limiter) account.Deps {
	return account.Deps{DB: n.DB, Sessions: n.Identity, Apps: n.Apps, Roll: n.Members, Files: n.Uploads,
		JobFiles: n.JobFiles, Cards: n.Cards, Counters: limiter, Cache: n.Cache, Roles: n.Orgs, Audit: n.Audit}
}
