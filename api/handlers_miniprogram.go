package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/card"
)

// ConsoleLoginPage is the mini-program page a console login code opens
// (API.md §12: scene t=<ticket>).
const ConsoleLoginPage = "pages/console-login/index"

// miniprogramConfig is what the mini-program needs to call WeChat's own
// APIs (API.md §13): nothing personal, the same for everyone.
type miniprogramConfig struct {
	// PrivacyNoticeVersion is the version POST /me/consents must name.
	PrivacyNoticeVersion string             `json:"privacy_notice_version" example:"2026-11"`
	SubscribeTemplates   subscribeTemplates `json:"subscribe_templates"`
	Pages                miniprogramPages   `json:"pages"`
	Card                 cardTiming         `json:"card"`
}

// subscribeTemplates are the subscribe-message templates the server sends.
type subscribeTemplates struct {
	// ApplicationResult is the review decision (审核结果通知).
	ApplicationResult subscribeTemplate `json:"application_result"`
}

// subscribeTemplate is one template: the id to pass to
// wx.requestSubscribeMessage, and the keys the server fills.
type subscribeTemplate struct {
	// ID is the template id (UNIONHUB_WECHAT_TEMPLATE_APPLICATION_RESULT);
	// null when none is configured: the server sends no such message, so
	// the mini-program should not ask the user to subscribe.
	ID *string `json:"id" example:"Xy3fQp0T2m9Kc8bW1nVZr4LhJ6sD5gAeUoYiOt7PqRk"`
	// Fields maps each key of the template's data to what it holds.
	Fields map[string]string `json:"fields"`
	// Page is the page the message opens (with ?id=<application id>).
	Page string `json:"page" example:"pages/application/detail"`
}

// miniprogramPages are the pages the server's codes and messages open.
type miniprogramPages struct {
	// Join is the page a union's join code opens; its onLoad gets the
	// scene in query.scene, for GET /orgs/by-scene.
	Join string `json:"join" example:"pages/join/index"`
	// Application shows one application (?id=); decisions open it.
	Application string `json:"application" example:"pages/application/detail"`
	// ConsoleLogin confirms a web console login (scene t=<ticket>).
	ConsoleLogin string `json:"console_login" example:"pages/console-login/index"`
}

// cardTiming says how long a card's QR token lives and when to fetch the
// next one (GET /me/card also carries both as times).
type cardTiming struct {
	TTLSeconds          int `json:"ttl_seconds" example:"90"`
	RefreshAfterSeconds int `json:"refresh_after_seconds" example:"60"`
}

// miniprogramConfig godoc
//
//	@Summary		Mini-program configuration
//	@Description	Anyone, no token: what the mini-program needs for WeChat's own APIs. privacy_notice_version is the version POST /me/consents must name. subscribe_templates.application_result.id is the template id to pass to wx.requestSubscribeMessage (report the result to POST /me/subscriptions); it is null when the server has no template configured (UNIONHUB_WECHAT_TEMPLATE_APPLICATION_RESULT unset): no subscribe message is sent then, so do not ask. fields maps the template's data keys to what they hold. pages: join is the page a union's join code opens (read query.scene in onLoad and pass it to GET /orgs/by-scene), application the page decisions open (?id=), console_login the page a console login code opens. card: a card QR token lives ttl_seconds; fetch a new one after refresh_after_seconds. Cacheable for 60 s.
//	@Tags			mini-program
//	@Produce		json
//	@Success		200	{object}	Envelope[miniprogramConfig]
//	@Router			/miniprogram/config [get]
func (s *Server) miniprogramConfig(c *gin.Context) {
	tpl := subscribeTemplate{Fields: application.ResultTemplateFields, Page: application.DetailPage}
	if id := strings.TrimSpace(s.cfg.WeChat.TemplateApplicationResult); id != "" {
		tpl.ID = &id
	}
	c.Header("Cache-Control", "public, max-age=60")
	ok(c, http.StatusOK, miniprogramConfig{
		PrivacyNoticeVersion: s.notice.Version,
		SubscribeTemplates:   subscribeTemplates{ApplicationResult: tpl},
		Pages:                miniprogramPages{Join: s.orgs.JoinPage(), Application: application.DetailPage, ConsoleLogin: ConsoleLoginPage},
		Card:                 cardTiming{TTLSeconds: int(card.TokenTTL.Seconds()), RefreshAfterSeconds: int(card.RefreshAfter.Seconds())},
	})
}

// orgByScene godoc
//
//	@Summary		The union a join code points at
//	@Description	Anyone, no token (rate-limited per IP like login: 429/42900 with Retry-After). scene is what the join page's onLoad receives in query.scene: WeChat passes it URL-encoded (o%3D…), and either form is accepted (o=<org id in base 36>). Answers the union's public profile, as GET /orgs/{id}, with its id as a string for POST /applications. 404/40400 for a scene that is not a join code, an unknown union, and a union that is dissolved or no longer takes applications (an old poster's code): the message says the code is no longer valid.
//	@Tags			mini-program
//	@Produce		json
//	@Param			scene	query		string	true	"query.scene as onLoad received it, e.g. o%3D2ximk3ax7cw0"
//	@Success		200		{object}	Envelope[publicOrgResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Router			/orgs/by-scene [get]
func (s *Server) orgByScene(c *gin.Context) {
	scene := strings.TrimSpace(c.Query("scene"))
	// onLoad's query.scene is URL-encoded once; a client that encodes it
	// again sends it twice encoded. A scene never holds a '%' itself.
	for range 2 {
		if !strings.Contains(scene, "%") {
			break
		}
		if dec, err := url.QueryUnescape(scene); err == nil {
			scene = dec
		}
	}
	o, err := s.orgs.ByScene(c.Request.Context(), scene)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, toPublicOrg(o))
}

// link is a path under /api/v1 as a reply carries it: absolute under
// UNIONHUB_PUBLIC_BASE_URL when that is set (an <image src> in the
// mini-program needs an absolute https URL), relative otherwise.
func (s *Server) link(path string) string {
	return strings.TrimRight(s.cfg.PublicBaseURL, "/") + "/api/v1" + path
}

// fileLink is the link of a job's file while it is there (expires set).
func (s *Server) fileLink(expires *time.Time, path string) *string {
	if expires == nil {
		return nil
	}
	u := s.link(path)
	return &u
}
