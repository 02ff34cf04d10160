package api

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/org"
)

const (
	ctxPrincipal = "principal"
	ctxUserID    = "user_id"
)

// cacheKeys names cache keys a route is going to read for the caller,
// so that requireUser reads them in the same round trip as the session.
type cacheKeys func(c *gin.Context, p identity.Principal) []string

// requireUser authenticates the bearer token; without a valid one the
// request ends with 401 (40101 when it merely expired). The session's
// cache entry is read together with the keys of more (cache.Prefetch):
// one round trip to the cache for all of them.
func (s *Server) requireUser(more ...cacheKeys) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, found := strings.CutPrefix(h, "Bearer ")
		if !found || strings.TrimSpace(token) == "" {
			fail(c, service.ErrUnauthenticated)
			return
		}
		p, err := s.identity.ParseAccess(strings.TrimSpace(token))
		if failed(c, err) {
			return
		}
		ctx := c.Request.Context()
		if len(more) > 0 {
			keys := []string{identity.SessionCacheKey(p)}
			for _, k := range more {
				keys = append(keys, k(c, p)...)
			}
			if pctx := s.cache.Prefetch(ctx, keys...); pctx != ctx {
				ctx = pctx
				c.Request = c.Request.WithContext(ctx)
			}
		}
		if failed(c, s.identity.CheckSession(ctx, p)) {
			return
		}
		c.Set(ctxPrincipal, p)
		c.Set(ctxUserID, p.UserID)
		c.Next()
	}
}

// rolesCacheKey names the caller's role bindings, which requireAction reads.
func rolesCacheKey(_ *gin.Context, p identity.Principal) []string {
	return []string{org.RolesCacheKey(p.UserID)}
}

func principal(c *gin.Context) identity.Principal {
	p, _ := c.Get(ctxPrincipal)
	return p.(identity.Principal)
}

// perIPLimit counts requests per client IP and minute in the cache, so the
// limit holds across nodes. It is generous (many workers share one NAT).
func (s *Server) perIPLimit() gin.HandlerFunc {
	return s.perIPBucket("", s.cfg.RateLimitPerIP)
}

// perIPBucket limits requests per client IP and minute in the cache (so
// across nodes): in the shared bucket when name is empty, else in a bucket
// of its own.
func (s *Server) perIPBucket(name string, perMinute int) gin.HandlerFunc {
	prefix := "ip:"
	if name != "" {
		prefix = name + ":ip:"
	}
	return func(c *gin.Context) {
		d, err := s.limiter.Allow(c.Request.Context(), prefix+c.ClientIP(), perMinute, time.Minute)
		if err != nil {
			fail(c, service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err))
			return
		}
		if !d.Allowed {
			fail(c, service.RateLimited("请求太频繁，请稍后再试", d.RetryAfter))
			return
		}
		c.Next()
	}
}
