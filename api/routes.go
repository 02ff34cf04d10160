package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	_ "github.com/unionhub/unionhub/docs" // the generated OpenAPI
	"github.com/unionhub/unionhub/service"
)

// NewRouter builds the gin engine with every route of the contract. This
// file is the route table.
func NewRouter(d Deps) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	s := &Server{Deps: d}

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if len(d.Config.TrustedProxies) > 0 {
		_ = r.SetTrustedProxies(d.Config.TrustedProxies) // validated by config
	} else {
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(requestIDMiddleware(d.Log), newHTTPMetrics(d.Metrics).middleware(), accessLogMiddleware(d.Log),
		recoveryMiddleware(d.Log), bodyLimitMiddleware(maxBodyBytes))
	r.NoRoute(func(c *gin.Context) { fail(c, service.E(service.KindNotFound, "请求的地址不存在")) })
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, envelope{Code: 40500, Message: "不支持的请求方法", RequestID: requestID(c)})
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if d.ServeMetrics {
		r.GET("/metrics", metricsHandler(d.Metrics))
	}
	if d.Config.SwaggerEnabled() {
		r.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
	}

	v1 := r.Group("/api/v1")
	perIP := s.perIPLimit()
	user := s.requireUser()

	v1.POST("/auth/wechat/login", perIP, s.login)
	v1.POST("/auth/refresh", perIP, s.refresh)
	v1.POST("/auth/logout", user, s.logout)
	v1.POST("/me/phone", perIP, user, s.bindPhone)
	v1.GET("/me", user, s.me)

	return r
}
