package api

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/identity"
)

const (
	ctxPrincipal = "principal"
	ctxUserID    = "user_id"
)

// requireUser authenticates the bearer token; without a valid one the
// request ends with 401 (40101 when it merely expired).
func (s *Server) requireUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, found := strings.CutPrefix(h, "Bearer ")
		if !found || strings.TrimSpace(token) == "" {
			fail(c, service.ErrUnauthenticated)
			return
		}
		p, err := s.Identity.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			fail(c, err)
			return
		}
		c.Set(ctxPrincipal, p)
		c.Set(ctxUserID, p.UserID)
		c.Next()
	}
}

func principal(c *gin.Context) identity.Principal {
	p, _ := c.Get(ctxPrincipal)
	return p.(identity.Principal)
}

// perIPLimit counts requests per client IP and minute in the cache, so the
// limit holds across nodes. It is generous (many workers share one NAT).
func (s *Server) perIPLimit() gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := s.Limiter.Allow(c.Request.Context(), "ip:"+c.ClientIP(), s.Config.RateLimitPerIP, time.Minute)
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
