// Package node wires one UnionHub API node top to bottom: the keys, the
// database, the cache, the file store, every service, the background work
// and the router. `unionhub serve` runs what it builds, and so does
// cmd/loadtest, so that the load test measures the server as it runs.
package node

import (
	"context"
	"fmt"
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
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/consolelogin"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/mydata"
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

// Node is one API node. Open builds it, Start runs its background work,
// Close stops that work and releases everything.
type Node struct {
	Config config.Config
	// Keys are the node's keys; Keys.Generated says they are development
	// keys from the data dir.
	Keys    Secrets
	DB      *gorm.DB
	Cache   cache.Cache
	Orgs    *org.Service
	Cards   *card.Service
	Metrics *prometheus.Registry
	// Router serves the API (and /metrics unless the configuration puts
	// the metrics on a listener of their own).
	Router *gin.Engine
	// Calendar is the working-day calendar (built in, extended by
	// UNIONHUB_HOLIDAYS_FILE) that deadlines, rights requests and reports
	// take in their constructors.
	Calendar *calendar.Calendar

	log      *slog.Logger
	bg       *background
	audit    *audit.Service
	closers  []func() // Close runs them last first
	stopOnce sync.Once
	stop     func() // Start's
}

// Open builds a node on cfg: it opens the database (migrating it where
// cfg.AutoMigrate, else refusing an older schema), the cache and the file
// store, and wires every service and the router. Nothing runs until Start.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (n *Node, err error) {
	n = &Node{Config: cfg, log: log, stop: func() {}}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if n.Keys, err = LoadSecrets(cfg); err != nil {
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
	n.Calendar = cal
	logCalendar(log, cal, calendar.DateOf(time.Now().In(cfg.Location())))
	db, err := OpenDB(ctx, cfg, log)
	if err != nil {
		return n, err
	}
	n.DB = db
	n.closers = append(n.closers, func() { _ = model.Close(db) })
	if err := EnsureSchema(ctx, cfg, db, log); err != nil {
		return n, err
	}
	c, err := cache.Open(ctx, cfg.Redis.Addr, cache.OpenOptions{Password: cfg.Redis.Password, DB: cfg.Redis.DB})
	if err != nil {
		return n, fmt.Errorf("cache: %w", err)
	}
	n.Cache = c
	n.closers = append(n.closers, func() { _ = c.Close() })
	if err := wechat.InstallHTTPClient(cfg.WeChat.APIBase, cfg.WeChat.Timeout); err != nil {
		return n, fmt.Errorf("UNIONHUB_WECHAT_API_BASE: %w", err)
	}
	wx := wechat.New(wechat.Config{AppID: cfg.WeChat.AppID, Secret: cfg.WeChat.Secret,
		APIBase: cfg.WeChat.APIBase, Timeout: cfg.WeChat.Timeout}, c)
	limiter := ratelimit.New(c, nil)
	ident := identity.New(db, c, wx, cipher, limiter, identity.Config{
		AccessTTL: cfg.HTTP.AccessTokenTTL, RefreshTTL: cfg.HTTP.RefreshTokenTTL,
		TokenKey: n.Keys.TokenKey, Location: cfg.Location(),
	}, nil, log)

	orgs := org.New(org.Deps{DB: db, Cache: c, Limiter: limiter, QR: wx, Log: log}, org.Config{})
	n.Orgs = orgs
	bg := newBackground(db, wx, log) // notifications, outbox delivery, jobs, periodic tasks
	n.bg = bg
	aud := audit.New(db, n.Keys.AuditKey, nil, log)
	n.audit = aud
	orgs.SetAuditor(audit.ForOrg(aud))
	files, err := OpenBlobs(ctx, cfg)
	if err != nil {
		return n, err
	}
	uploads := upload.New(db, files, cipher, audit.ForOrg(aud), notice, nil, log)
	apps := application.New(application.Deps{DB: db, PII: cipher, Audit: audit.ForOrg(aud), Files: uploads,
		Notice: notice, Location: cfg.Location(), Log: log, Limiter: limiter,
		IDImageRetention: time.Duration(cfg.IDImageRetentionDays) * 24 * time.Hour, Calendar: cal})
	orgs.SetRollCounter(apps)
	members := membership.New(membership.Deps{DB: db, PII: cipher, Limiter: limiter, Audit: audit.ForOrg(aud),
		Location: cfg.Location(), Log: log})
	st := stats.New(stats.Deps{DB: db, Cache: c, Location: cfg.Location(), Log: log, Calendar: cal})
	orgs.SetOrgCounter(st)
	apps.SetStats(st)
	members.SetStats(st)
	notices := application.Notices{Service: bg.Notify, Template: cfg.WeChat.TemplateApplicationResult}
	apps.SetNotifier(notices)
	members.SetNotifier(notices)
	rightsReqs := rights.New(rights.Deps{DB: db, PII: cipher, Members: members, Notifier: notices,
		Audit: audit.ForOrg(aud), Calendar: cal, Location: cfg.Location(), Log: log})
	check := application.NewContentCheck(apps, bg.Queue, wx)
	apps.SetChecker(check)
	bg.Worker.Register(application.JobContentCheck, check.Handle)
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
	cards, err := card.New(card.Deps{DB: db, Cache: c, Keys: n.Keys.Card, PII: cipher, Photos: uploads,
		Audit: audit.ForOrg(aud), Location: cfg.Location(), Log: log}, card.Config{})
	if err != nil {
		return n, err
	}
	n.Cards = cards
	members.SetCards(cards)
	imports, exports, jobFiles := newRollFiles(bg, db, files, cipher, aud, st, cfg, log)
	myData := mydata.New(mydata.Deps{DB: db, PII: cipher, Queue: bg.Queue, Files: jobFiles, Images: uploads,
		Limiter: limiter, Audit: audit.ForOrg(aud), Location: cfg.Location(), Log: log})
	bg.Worker.Register(mydata.JobKind, myData.Handle)
	dissolver := membership.NewDissolver(membership.DissolverDeps{Members: members, Queue: bg.Queue, Orgs: orgs,
		Apps: apps, Stats: st}, membership.DissolverConfig{})
	bg.Worker.Register(org.JobDissolve, dissolver.Handle)

	push, err := newPush(cfg, db, ident, bg, log)
	if err != nil {
		return n, err
	}

	n.Metrics = prometheus.NewRegistry()
	n.Metrics.MustRegister(cards.Metrics())
	n.Router = api.NewRouter(api.Deps{Config: cfg, Log: log, DB: db, Cache: c, Limiter: limiter,
		Identity: ident, Orgs: orgs, Audit: aud, Metrics: n.Metrics, Card: cards,
		Applications: apps, Uploads: uploads, Idempotency: model.NewIdempotencyStore(db), Members: members,
		Notify: bg.Notify, Stats: st, ServeMetrics: cfg.MetricsAddr == "", Imports: imports, Exports: exports,
		Privacy: notice, MyData: myData, Rights: rightsReqs, Push: push,
		ConsoleLogin: consolelogin.New(db, c, wx, ident, aud, consolelogin.Config{Key: n.Keys.TokenKey}, nil, log),
		ConsoleFiles: console.Files()})
	return n, nil
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
		wg.Go(func() { n.audit.LogHeadDaily(ctx, n.log) })
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
		ConnMaxLifetime: cfg.DB.ConnMaxLifetime, Logger: log})
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
