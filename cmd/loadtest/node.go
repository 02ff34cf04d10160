package main

import (
	"context"
	"crypto/rand"
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
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/stats"
	"github.com/unionhub/unionhub/service/upload"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// node is an embedded UnionHub API node, wired as `unionhub serve` wires
// it (without the background job loops, which a load test does not
// exercise), serving on a loopback port.
type node struct {
	URL   string
	DB    *gorm.DB
	Cache cache.Cache
	Cards *card.Service
	Orgs  *org.Service
	Fake  *fakewechat.Server
	close []func()
}

// Close stops the server and releases everything, last opened first.
func (n *node) Close() {
	for i := len(n.close) - 1; i >= 0; i-- {
		n.close[i]()
	}
}

// startNode starts the fake WeChat server and a node on cfg's database and
// cache, both on loopback ports.
func startNode(ctx context.Context, cfg config.Config, log *slog.Logger) (n *node, err error) {
	n = &node{}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	n.Fake = fakewechat.New(fakewechat.Options{AcceptAnyCode: true})
	fakeURL, stopFake, err := serveLoopback(n.Fake)
	if err != nil {
		return n, err
	}
	n.close = append(n.close, stopFake)
	cfg.WeChat.APIBase, cfg.WeChat.AppID, cfg.WeChat.Secret = fakeURL, fakewechat.DefaultAppID, fakewechat.DefaultSecret

	piiKeys, cardKeys, err := keys(cfg)
	if err != nil {
		return n, err
	}
	cipher, err := pii.New(piiKeys)
	if err != nil {
		return n, err
	}
	db, err := model.Open(ctx, model.Options{Driver: cfg.DB.Driver, DSN: cfg.DB.DSN, DataDir: cfg.DataDir,
		MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns,
		ConnMaxLifetime: cfg.DB.ConnMaxLifetime, Logger: log})
	if err != nil {
		return n, err
	}
	n.DB = db
	n.close = append(n.close, func() { _ = model.Close(db) })
	if err := model.Migrate(ctx, db, log); err != nil {
		return n, err
	}
	c, err := cache.Open(ctx, cfg.Redis.Addr, cache.OpenOptions{Password: cfg.Redis.Password, DB: cfg.Redis.DB})
	if err != nil {
		return n, fmt.Errorf("cache: %w", err)
	}
	n.Cache = c
	n.close = append(n.close, func() { c.Close() })
	if err := wechat.InstallHTTPClient(cfg.WeChat.APIBase, cfg.WeChat.Timeout); err != nil {
		return n, err
	}
	wx := wechat.New(wechat.Config{AppID: cfg.WeChat.AppID, Secret: cfg.WeChat.Secret,
		APIBase: cfg.WeChat.APIBase, Timeout: cfg.WeChat.Timeout}, c)
	limiter := ratelimit.New(c, nil)
	tokenKey := make([]byte, 32)
	_, _ = rand.Read(tokenKey)
	ident := identity.New(db, c, wx, cipher, limiter, identity.Config{
		AccessTTL: cfg.HTTP.AccessTokenTTL, RefreshTTL: cfg.HTTP.RefreshTokenTTL, TokenKey: tokenKey,
		Location: cfg.Location()}, nil, log)
	orgs := org.New(org.Deps{DB: db, Cache: c, Limiter: limiter, QR: wx, Log: log}, org.Config{})
	n.Orgs = orgs
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
	files, err := blob.NewLocal(filepath.Join(cfg.DataDir, "uploads"))
	if err != nil {
		return n, err
	}
	uploads := upload.New(db, files, cipher, audit.ForOrg(aud), nil, log)
	cards, err := card.New(card.Deps{DB: db, Cache: c, Keys: cardKeys, PII: cipher, Photos: uploads, Audit: audit.ForOrg(aud),
		Location: cfg.Location(), Log: log}, card.Config{})
	if err != nil {
		return n, err
	}
	n.Cards = cards
	runCtx, stopCards := context.WithCancel(ctx)
	cardsDone := make(chan struct{})
	go func() { defer close(cardsDone); cards.Run(runCtx) }()
	n.close = append(n.close, func() {
		stopCards()
		<-cardsDone
		fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = cards.Close(fctx)
	})
	members.SetCards(cards)
	router := api.NewRouter(api.Deps{Config: cfg, Log: log, DB: db, Cache: c, Limiter: limiter,
		Identity: ident, Orgs: orgs, Audit: aud, Metrics: prometheus.NewRegistry(), Card: cards,
		Applications: apps, Uploads: uploads, Idempotency: model.NewIdempotencyStore(db), Members: members,
		Notify: notify.New(notify.Deps{DB: db}), Stats: st})
	url, stopAPI, err := serveLoopback(router)
	if err != nil {
		return n, err
	}
	n.URL = url
	n.close = append(n.close, stopAPI)
	return n, nil
}

// keys are the configured PII and card keys, or the development keys under
// the data dir (as `unionhub serve` uses them). Session tokens are signed
// with a key of this process only.
func keys(cfg config.Config) (pii.Keys, card.Keys, error) {
	var pk pii.Keys
	var ck card.Keys
	var err error
	if cfg.Keys.PIIKeys != "" {
		enc, err := pii.ParseEncKeys(cfg.Keys.PIIKeys)
		if err != nil {
			return pk, ck, err
		}
		idx, err := pii.ParseIndexKey(cfg.Keys.BlindIndexKey)
		if err != nil {
			return pk, ck, err
		}
		pk = pii.Keys{EncKeys: enc, ActiveKeyID: cfg.Keys.PIIActiveKey, IndexKey: idx}
	} else if pk, err = pii.LoadOrCreateDevKeys(cfg.DataDir); err != nil {
		return pk, ck, err
	}
	if cfg.Keys.CardKeys != "" {
		ck, err = card.ParseKeys(cfg.Keys.CardKeys, cfg.Keys.CardActiveKey)
	} else {
		ck, err = card.LoadOrCreateDevKeys(cfg.DataDir)
	}
	return pk, ck, err
}

// serveLoopback serves h on a fresh loopback port and returns its base URL
// and a stop function.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
