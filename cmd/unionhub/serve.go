package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/api"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/stats"
	"github.com/unionhub/unionhub/service/upload"
	"github.com/unionhub/unionhub/service/wechat"
)

// serve wires the node top to bottom and runs it until ctx ends, then shuts
// down gracefully: in-flight requests finish, new ones are refused.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, e env) error {
	// With no mini-program credentials, development uses the embedded fake:
	// the real WeChat would refuse every call anyway.
	if cfg.WeChat.Fake || (!cfg.Production() && cfg.WeChat.AppID == "") {
		if err := startEmbeddedFake(ctx, &cfg, log); err != nil {
			return err
		}
	}
	log.Info("starting unionhub", "config", cfg.String())
	keys, err := loadSecrets(cfg)
	if err != nil {
		return err
	}
	if keys.generated {
		log.Warn("using development keys generated under the data dir; production refuses them", "data_dir", cfg.DataDir)
	}
	cipher, err := pii.New(keys.pii)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := ensureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	c, err := cache.Open(ctx, cfg.Redis.Addr, cache.OpenOptions{Password: cfg.Redis.Password, DB: cfg.Redis.DB})
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer c.Close()
	if err := wechat.InstallHTTPClient(cfg.WeChat.APIBase, cfg.WeChat.Timeout); err != nil {
		return fmt.Errorf("UNIONHUB_WECHAT_API_BASE: %w", err)
	}
	wx := wechat.New(wechat.Config{AppID: cfg.WeChat.AppID, Secret: cfg.WeChat.Secret,
		APIBase: cfg.WeChat.APIBase, Timeout: cfg.WeChat.Timeout}, c)
	limiter := ratelimit.New(c, nil)
	ident := identity.New(db, c, wx, cipher, limiter, identity.Config{
		AccessTTL: cfg.HTTP.AccessTokenTTL, RefreshTTL: cfg.HTTP.RefreshTokenTTL,
		TokenKey: keys.tokenKey, Location: cfg.Location(),
	}, nil, log)

	orgs := org.New(org.Deps{DB: db, Cache: c, Limiter: limiter, QR: wx, Log: log}, org.Config{})
	bg := newBackground(db, wx, log) // notifications, outbox delivery, jobs, periodic tasks
	aud := audit.New(db, nil, log)
	orgs.SetAuditor(audit.ForOrg(aud))
	apps := application.New(application.Deps{DB: db, PII: cipher, Audit: audit.ForOrg(aud), Location: cfg.Location(),
		Log: log, IDImageRetention: time.Duration(cfg.IDImageRetentionDays) * 24 * time.Hour})
	orgs.SetRollCounter(apps)
	members := membership.New(membership.Deps{DB: db, PII: cipher, Limiter: limiter, Audit: audit.ForOrg(aud),
		Location: cfg.Location(), Log: log})
	st := stats.New(stats.Deps{DB: db, Cache: c, Location: cfg.Location(), Log: log})
	orgs.SetOrgCounter(st)
	apps.SetStats(st)
	members.SetStats(st)
	notices := application.Notices{Service: bg.Notify, Template: cfg.WeChat.TemplateApplicationResult}
	apps.SetNotifier(notices)
	members.SetNotifier(notices)
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	uploads := upload.New(db, files, cipher, audit.ForOrg(aud), nil, log)
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
	// The verification log is written until the servers stopped (defers
	// run last in, first out) and before the database closes.
	cards, stopCards, err := startCards(ctx, cfg, keys.card, cipher, db, c, uploads, aud, log)
	if err != nil {
		return err
	}
	defer stopCards()
	members.SetCards(cards)
	imports, exports := newRollFiles(bg, db, files, cipher, aud, st, cfg, log)
	// The head goes to the log daily, outside the database; it stops
	// before the database closes.
	headCtx, stopHead := context.WithCancel(ctx)
	headDone := make(chan struct{})
	go func() { defer close(headDone); aud.LogHeadDaily(headCtx, log) }()
	defer func() { stopHead(); <-headDone }()

	// The background loops stop (and are waited for) before the cache and
	// the database close.
	defer bg.start(ctx)()

	reg := prometheus.NewRegistry()
	separateMetrics := cfg.MetricsAddr != ""
	router := api.NewRouter(api.Deps{Config: cfg, Log: log, DB: db, Cache: c, Limiter: limiter,
		Identity: ident, Orgs: orgs, Audit: aud, Metrics: reg, Card: cards,
		Applications: apps, Uploads: uploads, Idempotency: model.NewIdempotencyStore(db), Members: members, Notify: bg.Notify, Stats: st, ServeMetrics: !separateMetrics,
		Imports: imports, Exports: exports})

	srv := &http.Server{Handler: router, ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout,
		ReadTimeout: cfg.HTTP.ReadTimeout, WriteTimeout: cfg.HTTP.WriteTimeout, IdleTimeout: cfg.HTTP.IdleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	servers := []*http.Server{srv}
	listeners := []net.Listener{}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	listeners = append(listeners, ln)
	if separateMetrics {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen %s: %w", cfg.MetricsAddr, err)
		}
		servers = append(servers, &http.Server{Handler: api.MetricsHandler(reg), ReadHeaderTimeout: 5 * time.Second})
		listeners = append(listeners, mln)
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	log.Info("listening", "addr", ln.Addr().String())
	if e.onListen != nil {
		e.onListen(ln.Addr())
	}
	return runServers(ctx, servers, listeners, cfg.HTTP.ShutdownTimeout, log)
}

// runServers serves until ctx ends or a server fails, then shuts every
// server down, letting in-flight requests finish within timeout.
func runServers(ctx context.Context, servers []*http.Server, lns []net.Listener, timeout time.Duration, log *slog.Logger) error {
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(lns[i]) }()
	}
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests", "timeout", timeout.String())
	case serveErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var shutdownErr error
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			shutdownErr = errors.Join(shutdownErr, err)
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	log.Info("stopped")
	return nil
}

func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*gorm.DB, error) {
	return model.Open(ctx, model.Options{Driver: cfg.DB.Driver, DSN: cfg.DB.DSN, DataDir: cfg.DataDir,
		MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns,
		ConnMaxLifetime: cfg.DB.ConnMaxLifetime, Logger: log})
}

// ensureSchema migrates at start in development; production expects
// `unionhub migrate` to have run and refuses a schema it does not match.
func ensureSchema(ctx context.Context, cfg config.Config, db *gorm.DB, log *slog.Logger) error {
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

func migrateCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := model.Migrate(ctx, db, log); err != nil {
		return err
	}
	v, err := model.SchemaVersion(ctx, db)
	log.Info("schema up to date", "version", v)
	return err
}

// openBlobs returns the file store: S3-compatible object storage when
// configured (checked at start, so a wrong bucket fails now), else a
// directory under the data dir.
func openBlobs(ctx context.Context, cfg config.Config) (blob.Store, error) {
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
