package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// target is the node under test: built by internal/node as `unionhub
// serve` builds it (started with what serving needs only), logging in
// through a fake WeChat server, serving on a loopback port.
type target struct {
	*node.Node
	URL   string
	Fake  *fakewechat.Server
	close []func()
}

// Close stops the server and releases everything, last opened first.
func (t *target) Close() {
	for i := len(t.close) - 1; i >= 0; i-- {
		t.close[i]()
	}
}

// startTarget starts the fake WeChat server and a node on cfg's database
// and cache, both on loopback ports.
func startTarget(ctx context.Context, cfg config.Config, log *slog.Logger) (t *target, err error) {
	t = &target{}
	defer func() {
		if err != nil {
			t.Close()
		}
	}()
	t.Fake = fakewechat.New(fakewechat.Options{AcceptAnyCode: true})
	fakeURL, stopFake, err := serveLoopback(t.Fake)
	if err != nil {
		return t, err
	}
	t.close = append(t.close, stopFake)
	cfg.WeChat.APIBase, cfg.WeChat.AppID, cfg.WeChat.Secret = fakeURL, fakewechat.DefaultAppID, fakewechat.DefaultSecret
	n, err := node.Open(ctx, cfg, node.Options{Log: log})
	if err != nil {
		return t, err
	}
	t.Node = n
	t.close = append(t.close, n.Close)
	n.Start(ctx, node.Serving) // no deliveries, jobs or purges on the database under test
	url, stopAPI, err := serveLoopback(n.Router)
	if err != nil {
		return t, err
	}
	t.URL = url
	t.close = append(t.close, stopAPI)
	return t, nil
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
