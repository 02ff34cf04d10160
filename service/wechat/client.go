// Package wechat is UnionHub's adapter to the WeChat mini-program server
// API, over github.com/silenceper/wechat/v2: login (code2Session), phone
// numbers, subscribe messages, mini-program codes and text security checks.
//
// Every method takes a context and returns when it ends, also where the
// library takes none. Errors are typed (*Error, and the sentinels ErrInvalidCode,
// ErrRateLimited, ErrUserBlocked, ErrNotSubscribed, ErrUpstream) and never
// hold the app secret, an access token or a user's code.
//
// The library's HTTP client is process-wide: install it once with
// InstallHTTPClient before using a Client.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/miniprogram"
	mpconfig "github.com/silenceper/wechat/v2/miniprogram/config"

	"github.com/unionhub/unionhub/service/cache"
)

// Config is what the adapter needs to know about the mini-program.
type Config struct {
	AppID  string
	Secret string
	// APIBase and Timeout are for InstallHTTPClient (the HTTP client is
	// process-wide, so New does not read them).
	APIBase string
	Timeout time.Duration
}

// Client calls the WeChat API for one mini-program. It is safe for
// concurrent use.
type Client struct {
	cfg      Config
	mp       *miniprogram.MiniProgram
	cache    cache.Cache
	tokenKey string // our cache key of the library's stable access token
}

// New returns a Client that keeps its stable access token in c (shared by
// every process using the same cache). It panics if c is nil.
func New(cfg Config, c cache.Cache) *Client {
	if c == nil {
		panic("wechat: New needs a cache")
	}
	mp := miniprogram.NewMiniProgram(&mpconfig.Config{
		AppID:       cfg.AppID,
		AppSecret:   cfg.Secret,
		Cache:       &tokenCache{c: c},
		UseStableAK: true,
	})
	// The key credential.StableAccessToken stores its token under (v2.1.10).
	libKey := fmt.Sprintf("%s_stable_access_token_%s", credential.CacheKeyMiniProgramPrefix, cfg.AppID)
	return &Client{cfg: cfg, mp: mp, cache: c, tokenKey: cacheKeyPrefix + libKey}
}

// withToken runs call, an API call that sends the access token. When WeChat
// rejects the token (40001, 40014, 42001) it drops the cached token and runs
// call once more. The error it returns is classified.
func (c *Client) withToken(ctx context.Context, op string, call func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		err = c.classify(ctx, op, err)
		apiErr, ok := errors.AsType[*Error](err)
		if attempt > 0 || !ok || !tokenRejected(apiErr.Code) {
			return err
		}
		// A failed delete still retries: a cache that cannot delete most
		// likely cannot read either, and a miss fetches a fresh token.
		_ = c.cache.Delete(ctx, c.tokenKey)
	}
}

// token fetches the access token with ctx, so that library calls which take
// no context find it in the cache.
func (c *Client) token(ctx context.Context) error {
	_, err := c.mp.GetContext().GetAccessTokenContext(ctx)
	return err
}

// async runs fn, a library call that takes no context, and returns when it
// does or when ctx ends, whichever is first. fn then runs on until the HTTP
// client's timeout and its result is dropped.
func async[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
