package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthStatus is the body of /healthz and /readyz.
type healthStatus struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty"`
}

// healthz godoc
//
//	@Summary	Process is alive
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Envelope[healthStatus]
//	@Router		/healthz [get]
func (s *Server) healthz(c *gin.Context) {
	ok(c, http.StatusOK, healthStatus{Status: "ok"})
}

// readyz godoc
//
//	@Summary		Database and cache answer
//	@Description	503/50300 when the database or the cache does not answer within a second.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Envelope[healthStatus]
//	@Failure		503	{object}	Envelope[healthStatus]
//	@Router			/readyz [get]
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), time.Second)
	defer cancel()
	checks := map[string]ping{
		"database": s.pingDB,
		"cache":    s.cache.Ping,
	}
	result := make(map[string]string, len(checks))
	healthy := true
	for name, check := range checks {
		if err := check(ctx); err != nil {
			result[name] = "unavailable"
			healthy = false
			s.log.WarnContext(ctx, "readiness check failed", "check", name, "err", err.Error())
			continue
		}
		result[name] = "ok"
	}
	if !healthy {
		writeJSON(c, http.StatusServiceUnavailable, envelope{Code: 50300, Message: "服务暂时不可用，请稍后再试",
			Data: healthStatus{Status: "unavailable", Checks: result}, RequestID: requestID(c)})
		return
	}
	ok(c, http.StatusOK, healthStatus{Status: "ok", Checks: result})
}
