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
	"github.com/unionhub/unionhub/service/access"
)

// NewRouter builds the gin engine with every route of the contract. This
// file is the route table.
func NewRouter(d Deps) *gin.Engine {
	r, _ := Routes(d)
	return r
}

// Routes builds the engine and also returns the guarded routes, so tests can
// walk every one of them.
func Routes(d Deps) (*gin.Engine, []AdminRoute) {
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

	v1.GET("/orgs/search", user, s.searchOrgs)
	v1.GET("/orgs/:id", user, s.publicOrg)
	v1.POST("/invitations/accept", user, s.acceptInvitation)

	admin := v1.Group("/admin")
	s.guarded(admin, "POST", "/orgs", access.OrgCreate, s.createOrg)
	s.guarded(admin, "GET", "/orgs/:id", access.OrgRead, s.getOrg)
	s.guarded(admin, "PATCH", "/orgs/:id", access.OrgEdit, s.updateOrg)
	s.guarded(admin, "GET", "/orgs/:id/children", access.OrgRead, s.orgChildren)
	s.guarded(admin, "GET", "/orgs/:id/join-qrcode", access.OrgRead, s.joinQRCode)
	s.guarded(admin, "POST", "/invitations", access.Invite, s.createInvitation)
	s.guarded(admin, "GET", "/roles", access.RoleManage, s.listRoles)
	s.guarded(admin, "DELETE", "/roles/:id", access.RoleManage, s.revokeRole)

	return r, s.adminRoutes
}
