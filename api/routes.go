package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

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
	s := newServer(d)

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(securityHeadersMiddleware()) // first, so every reply has them, 404 and 405 too
	if len(s.cfg.TrustedProxies) > 0 {
		_ = r.SetTrustedProxies(s.cfg.TrustedProxies) // validated by config
	} else {
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(requestIDMiddleware(s.log), newHTTPMetrics(s.metrics).middleware(), accessLogMiddleware(s.log),
		recoveryMiddleware(s.log), bodyLimitMiddleware(maxBodyBytes, map[string]int64{
			"/api/v1/uploads":       uploadBodyLimit,
			"/api/v1/admin/imports": importBodyLimit,
			"/api/v1/wechat/push":   pushBodyLimit,
		}))
	r.NoRoute(func(c *gin.Context) { fail(c, service.E(service.KindNotFound, "请求的地址不存在")) })
	r.NoMethod(func(c *gin.Context) {
		abortJSON(c, http.StatusMethodNotAllowed, envelope{Code: 40500, Message: "不支持的请求方法", RequestID: requestID(c)})
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if d.ServeMetrics {
		r.GET("/metrics", metricsHandler(s.metrics))
	}
	if s.cfg.SwaggerEnabled() {
		r.GET("/swagger/*any", swaggerHandler())
		r.GET("/openapi.json", openAPIHandler)
	}

	v1 := r.Group("/api/v1")
	perIP := s.perIPLimit()
	user := s.requireUser()
	appWrites := s.perUser("app-write", appWritesPerMinute, appWritesPerDay)
	uploads := s.perUser("upload", uploadsPerMinute, uploadsPerDay)

	v1.POST("/auth/wechat/login", perIP, s.login)
	v1.POST("/auth/refresh", perIP, s.refresh)
	v1.POST("/auth/logout", user, s.logout)
	v1.POST("/me/phone", perIP, user, s.bindPhone)
	v1.GET("/me", user, s.me)
	v1.GET("/me/notifications", user, s.listNotifications)
	v1.POST("/me/notifications/:id/read", user, s.readNotification)
	v1.POST("/me/subscriptions", user, s.recordSubscriptions)
	v1.GET("/wechat/push", perIP, s.checkPush)
	v1.POST("/wechat/push", perIP, s.receivePush)

	v1.GET("/miniprogram/config", s.miniprogramConfig)
	v1.GET("/orgs/by-scene", perIP, s.orgByScene)
	v1.GET("/orgs/search", user, s.searchOrgs)
	v1.GET("/orgs/:id", user, s.publicOrg)
	v1.POST("/invitations/accept", user, s.acceptInvitation)

	v1.GET("/dicts", s.dicts)
	v1.GET("/privacy/notice", s.privacyNotice)
	v1.POST("/me/consents", user, s.giveConsent)
	v1.GET("/me/consents", user, s.getConsent)
	v1.DELETE("/me/consents", user, s.withdrawConsent)
	v1.GET("/me/data", user, s.myData)
	v1.POST("/me/data-exports", user, s.createDataExport)
	v1.GET("/me/data-exports/:id", user, s.dataExportStatus)
	v1.GET("/me/data-exports/:id/file", user, s.dataExportFile)
	v1.POST("/me/deactivation", user, s.requestDeactivation)
	v1.DELETE("/me/deactivation", user, s.cancelDeactivation)
	v1.POST("/uploads", perIP, user, uploads, s.createUpload)
	v1.GET("/uploads/:id", user, s.getUpload)
	v1.POST("/applications", perIP, user, appWrites, s.createApplication)
	v1.GET("/applications/mine", user, s.myApplications)
	v1.GET("/applications/:id", user, s.getApplication)
	v1.PUT("/applications/:id", perIP, user, appWrites, s.updateApplication)
	v1.POST("/applications/:id/submit", perIP, user, appWrites, s.submitApplication)
	v1.POST("/applications/:id/withdraw", user, s.withdrawApplication)
	v1.POST("/me/transfers", user, s.requestTransfer)
	v1.POST("/me/membership/leave", user, s.leave)
	v1.POST("/me/card/claim", user, s.claimCard)
	v1.POST("/me/correction-requests", user, s.perUser("rights", rightsPerMinute, rightsPerDay), s.createRightsRequest)
	v1.GET("/me/correction-requests", user, s.myRightsRequests)
	v1.GET("/me/card", s.requireUser(myCardCacheKeys), s.myCard)
	v1.POST("/me/card/reissue", user, s.reissueMyCard)
	v1.GET("/benefits", user, s.memberBenefits)
	v1.GET("/card-keys", s.cardKeys)
	v1.GET("/card-photos/:token", s.cardPhoto)
	s.guarded(v1, "POST", "/verify", access.Verify, s.verify, verifyCacheKeys)
	if d.Config.ConsoleEnabled() {
		s.consoleRoutes(r, v1)
	}

	admin := v1.Group("/admin")
	s.guarded(admin, "POST", "/orgs", access.OrgCreate, s.createOrg)
	s.guarded(admin, "GET", "/orgs/:id", access.OrgRead, s.getOrg)
	s.guarded(admin, "PATCH", "/orgs/:id", access.OrgEdit, s.updateOrg)
	s.guarded(admin, "GET", "/orgs/:id/children", access.OrgRead, s.orgChildren)
	s.guarded(admin, "GET", "/orgs/:id/join-qrcode", access.OrgRead, s.joinQRCode)
	s.guarded(admin, "POST", "/invitations", access.Invite, s.createInvitation)
	s.guarded(admin, "GET", "/roles", access.RoleManage, s.listRoles)
	s.guarded(admin, "DELETE", "/roles/:id", access.RoleManage, s.revokeRole)
	s.guarded(admin, "GET", "/audit-logs", access.AuditRead, s.listAuditLogs)
	s.guarded(admin, "GET", "/applications", access.Review, s.reviewQueue)
	s.guarded(admin, "GET", "/applications/:id", access.Review, s.reviewDetail)
	s.guarded(admin, "POST", "/applications/:id/approve", access.Review, s.approveApplication)
	s.guarded(admin, "POST", "/applications/:id/reject", access.Review, s.rejectApplication)
	s.guarded(admin, "POST", "/applications/:id/return", access.Review, s.returnApplication)
	s.guarded(admin, "POST", "/applications/:id/assign", access.Assign, s.assignApplication)
	s.guarded(admin, "GET", "/members", access.Review, s.listMembers)
	s.guarded(admin, "GET", "/members/:id", access.Review, s.getMember)
	s.guarded(admin, "GET", "/members/:id/events", access.Review, s.memberEvents)
	s.guarded(admin, "PATCH", "/members/:id", access.Review, s.patchMember)
	s.guarded(admin, "POST", "/members/:id/status", access.Review, s.memberStatus)
	s.guarded(admin, "POST", "/members/:id/card/reissue", access.Review, s.adminReissueCard)
	s.guarded(admin, "GET", "/transfers", access.Review, s.listTransfers)
	s.guarded(admin, "POST", "/transfers/:id/approve", access.Review, s.approveTransfer)
	s.guarded(admin, "POST", "/transfers/:id/reject", access.Review, s.rejectTransfer)
	s.guarded(admin, "GET", "/stats/overview", access.Review, s.statsOverview)
	s.guarded(admin, "GET", "/rights-requests", access.Rights, s.listRightsRequests)
	s.guarded(admin, "POST", "/rights-requests/:id/approve", access.Rights, s.approveRightsRequest)
	s.guarded(admin, "POST", "/rights-requests/:id/reject", access.Rights, s.rejectRightsRequest)
	s.guarded(admin, "POST", "/imports", access.Review, s.createImport)
	s.guarded(admin, "GET", "/imports/template", access.Review, s.importTemplate)
	s.guarded(admin, "GET", "/imports/:id", access.Review, s.importStatus)
	s.guarded(admin, "POST", "/exports", access.Export, s.createExport)
	s.guarded(admin, "GET", "/exports/:id", access.Export, s.exportStatus)
	s.guarded(admin, "GET", "/exports/:id/file", access.Export, s.exportFile)
	s.guarded(admin, "POST", "/benefits", access.BenefitCreate, s.createBenefit)
	s.guarded(admin, "GET", "/benefits", access.BenefitCreate, s.listBenefits)

	return r, s.adminRoutes
}
