package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Per-user limits (DESIGN §4): numbers a worker filling in the form, fixing
// a typo or retaking a photo never reaches, so that one account cannot
// drive the application flow as a machine would. They are counted in the
// cache, so they hold across nodes, and count every request, whatever it
// answers. Days are business days (UNIONHUB_TIMEZONE).
const (
	appWritesPerMinute = 20  // POST /applications, PUT /applications/{id}, submit
	appWritesPerDay    = 100 //
	uploadsPerMinute   = 20  // POST /uploads
	uploadsPerDay      = 60  //
	rightsPerMinute    = 5   // POST /me/correction-requests
	rightsPerDay       = 20  //
)

// perUser limits one kind of request per user and per minute and per day;
// it runs after requireUser. name keeps the kinds' counts apart.
func (s *Server) perUser(name string, perMinute, perDay int) gin.HandlerFunc {
	minute, day := ratelimit.Fixed(time.Minute), ratelimit.Daily(s.cfg.Location())
	return func(c *gin.Context) {
		key := "user:" + name + ":" + strconv.FormatInt(principal(c).UserID, 10)
		for _, l := range []struct {
			limit int
			w     ratelimit.Window
		}{{perMinute, minute}, {perDay, day}} {
			d, err := s.limiter.AllowIn(c.Request.Context(), key, l.limit, l.w)
			if err != nil {
				fail(c, service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err))
				return
			}
			if !d.Allowed {
				fail(c, service.RateLimited("操作太频繁，请稍后再试", d.RetryAfter))
				return
			}
		}
		c.Next()
	}
}
