package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// runFakeWeChat serves the fake WeChat server in development mode: any
// login code "NAME-N" logs in as NAME, any phone code "13800138000-N"
// yields that phone.
func runFakeWeChat(ctx context.Context, addr string, e env) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	fmt.Fprintf(e.stdout, "fake WeChat on http://%s\n  UNIONHUB_WECHAT_API_BASE=http://%s UNIONHUB_WECHAT_APPID=%s UNIONHUB_WECHAT_SECRET=%s\n",
		ln.Addr(), ln.Addr(), fakewechat.DefaultAppID, fakewechat.DefaultSecret)
	srv := &http.Server{Handler: fakewechat.New(fakewechat.Options{AcceptAnyCode: true}), ReadHeaderTimeout: 5 * time.Second}
	log := newLogger(e.stderr, "info")
	return runServers(ctx, []*http.Server{srv}, []net.Listener{ln}, 5*time.Second, log)
}

// startEmbeddedFake runs the fake WeChat inside this process on a loopback
// port and points the configuration at it (UNIONHUB_WECHAT_FAKE=true, in
// development only), so one command gives a server a mini-program
// developer can log in to with made-up codes.
func startEmbeddedFake(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fakewechat.New(fakewechat.Options{AcceptAnyCode: true}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	cfg.WeChat.APIBase = "http://" + ln.Addr().String()
	cfg.WeChat.AppID, cfg.WeChat.Secret = fakewechat.DefaultAppID, fakewechat.DefaultSecret
	cfg.WeChat.Fake = true // so the configuration logged next says what runs, and the console offers its development login (config.DevLogin)
	log.Warn("using the embedded fake WeChat server: login codes NAME-N, phone codes 13800138000-N", "api_base", cfg.WeChat.APIBase)
	return nil
}
