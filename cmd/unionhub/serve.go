package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/unionhub/unionhub/api"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
)

// serveOptions are serve's flags.
type serveOptions struct {
	// pprof serves net/http/pprof's /debug/pprof/ on the metrics listener
	// (required); the API's listener never serves it.
	pprof bool
}

// serve builds the node (internal/node) and runs it until ctx ends,
// then shuts down gracefully: in-flight requests finish, new ones are
// refused, then the background work stops and the stores close.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, e env, o serveOptions) error {
	if o.pprof && cfg.MetricsAddr == "" {
		return errors.New("--pprof needs UNIONHUB_METRICS_ADDR: profiles are served on the metrics listener only, never on the API's")
	}
	// With no mini-program credentials, development uses the embedded fake:
	// the real WeChat would refuse every call anyway.
	if cfg.WeChat.Fake || (!cfg.Production() && cfg.WeChat.AppID == "") {
		if err := startEmbeddedFake(ctx, &cfg, log); err != nil {
			return err
		}
	}
	log.Info("starting unionhub", "config", cfg.String())
	n, err := node.Open(ctx, cfg, node.Options{Log: log})
	if err != nil {
		return err
	}
	defer n.Close()
	if n.Keys.Generated {
		log.Warn("using development keys generated under the data dir; production refuses them", "data_dir", cfg.DataDir)
	}
	// The node's work outlives the signal: it stops in Close, once the
	// servers have finished their requests.
	n.Start(context.WithoutCancel(ctx), node.Everything)

	srv := &http.Server{Handler: n.Router, ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout,
		ReadTimeout: cfg.HTTP.ReadTimeout, WriteTimeout: cfg.HTTP.WriteTimeout, IdleTimeout: cfg.HTTP.IdleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	servers := []*http.Server{srv}
	listeners := []net.Listener{}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	listeners = append(listeners, ln)
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen %s: %w", cfg.MetricsAddr, err)
		}
		servers = append(servers, &http.Server{Handler: metricsListener(n, o.pprof), ReadHeaderTimeout: 5 * time.Second})
		listeners = append(listeners, mln)
		log.Info("metrics listening", "addr", mln.Addr().String(), "pprof", o.pprof)
		if e.onMetrics != nil {
			e.onMetrics(mln.Addr())
		}
	}
	log.Info("listening", "addr", ln.Addr().String())
	if e.onListen != nil {
		e.onListen(ln.Addr())
	}
	return runServers(ctx, servers, listeners, cfg.HTTP.ShutdownTimeout, log)
}

// metricsListener serves /metrics and, with pprof, /debug/pprof/.
func metricsListener(n *node.Node, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", api.MetricsHandler(n.Metrics))
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
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

func migrateCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	db, err := node.OpenDB(ctx, cfg, log)
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
