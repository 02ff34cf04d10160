package wechat

import (
	"context"
	"errors"
	"time"

	"github.com/unionhub/unionhub/service/cache"
)

// cacheKeyPrefix namespaces the library's keys in our cache.
const cacheKeyPrefix = "wechat:"

// cacheTimeout bounds each cache call: the library's cache interface takes
// no context.
const cacheTimeout = 2 * time.Second

// minTokenTTL replaces a non-positive TTL from the library, which would
// otherwise mean "never expires" in our cache. The library stores
// expires_in-300 s, and WeChat only promises expires_in >= 300.
const minTokenTTL = time.Minute

// tokenCache adapts our cache to silenceper/wechat's cache.Cache, which the
// library uses for access tokens only. Get returns a string or nil: the
// library type-asserts val.(string) and would panic on anything else.
//
// A failing cache never fails a WeChat call: reads fall back to a miss
// (the stable token endpoint then hands back the same token) and writes are
// dropped, because the library returns a Set error as the call's error.
type tokenCache struct {
	c cache.Cache
}

// Get returns the string under key, or nil.
func (t *tokenCache) Get(key string) any {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	v, err := t.c.Get(ctx, cacheKeyPrefix+key)
	if err != nil || v == "" {
		return nil
	}
	return v
}

// Set stores val, which must be a string, for timeout.
func (t *tokenCache) Set(key string, val any, timeout time.Duration) error {
	s, ok := val.(string)
	if !ok {
		return errors.New("wechat: token cache holds strings only")
	}
	if timeout <= 0 {
		timeout = minTokenTTL
	}
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	_ = t.c.Set(ctx, cacheKeyPrefix+key, s, timeout) // see the type's doc
	return nil
}

// IsExist reports whether key holds a value.
func (t *tokenCache) IsExist(key string) bool {
	return t.Get(key) != nil
}

// Delete removes key.
func (t *tokenCache) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cacheTimeout)
	defer cancel()
	return t.c.Delete(ctx, cacheKeyPrefix+key)
}
