package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/access"
)

// Per-IP limits of the console's login (API.md §12), each in its own
// bucket so that a console polling does not use up its office's logins.
const (
	// consoleTicketsPerMinute: a login page makes one ticket per 2 minutes;
	// each costs a WeChat call.
	consoleTicketsPerMinute = 30
	// consolePollsPerMinute: a login page polls every second or two; an
	// office behind one address has several open.
	consolePollsPerMinute = 600
)

// loginTicketResponse is a new console login ticket.
type loginTicketResponse struct {
	// Ticket is 22 URL-safe characters (128 random bits).
	Ticket string `json:"ticket" example:"q3Vb1k0yZxW8mPz4Hn2LsA"`
	// QRCode is the mini-program code for page pages/console-login/index
	// with scene "t=<ticket>", as a data URL.
	QRCode    string    `json:"qrcode" example:"data:image/png;base64,iVBORw0KGgo..."`
	ExpiresAt time.Time `json:"expires_at"`
}

// loginTicketStatus is what the console's poll sees.
type loginTicketStatus struct {
	Status       string `json:"status" enums:"pending,confirmed"`
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in,omitempty" example:"7200"`
}

// consoleConfigResponse is what the console's login page needs to know.
type consoleConfigResponse struct {
	// DevLogin: development with the fake WeChat; the console offers a
	// login by fake user name (POST /auth/wechat/login with the code
	// "<name>-console-<random>"). Always false in production.
	DevLogin bool `json:"dev_login"`
}

// consoleConfig godoc
//
//	@Summary		The web console's settings
//	@Description	dev_login is true only in development with the fake WeChat. 404 when UNIONHUB_CONSOLE=false.
//	@Tags			console
//	@Produce		json
//	@Success		200	{object}	Envelope[consoleConfigResponse]
//	@Router			/console/config [get]
func (s *Server) consoleConfig(c *gin.Context) {
	ok(c, http.StatusOK, consoleConfigResponse{DevLogin: s.cfg.DevLogin()})
}

// createLoginTicket godoc
//
//	@Summary		Start a console login by scanning (扫码登录)
//	@Description	Issues a ticket and the mini-program code to scan (page pages/console-login/index, scene t=<ticket>). The ticket lives 2 minutes from now: confirming and handing over must both happen within it. 429/42900 beyond 30 per minute per IP; 502/50200 when WeChat fails. 404 when UNIONHUB_CONSOLE=false.
//	@Tags			console
//	@Produce		json
//	@Success		201	{object}	Envelope[loginTicketResponse]
//	@Failure		429	{object}	ErrorResponse
//	@Failure		502	{object}	ErrorResponse
//	@Failure		503	{object}	ErrorResponse
//	@Router			/console/login-tickets [post]
func (s *Server) createLoginTicket(c *gin.Context) {
	t, err := s.consoleLogin.Create(c.Request.Context())
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, loginTicketResponse{Ticket: t.Ticket, QRCode: t.QRCode, ExpiresAt: s.at(t.ExpiresAt)})
}

// confirmLoginTicket godoc
//
//	@Summary		Confirm a console login from the mini-program
//	@Description	The scanning user lets the console that shows the ticket log in as them. Only admins (federation_admin, union_chair, union_staff; 403 for anyone else). 404 for an unknown, expired or already used ticket; 409 when another user confirmed it first. Confirming again as the same user is no error.
//	@Tags			console
//	@Produce		json
//	@Security		BearerAuth
//	@Param			ticket	path		string	true	"the ticket (the scene's part after t=)"
//	@Success		200		{object}	Envelope[Empty]
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Router			/console/login-tickets/{ticket}/confirm [post]
func (s *Server) confirmLoginTicket(c *gin.Context) {
	sc := scope(c)
	var orgID int64
	for _, b := range sc.Bindings {
		if access.Allowed(b.Role, access.ConsoleLogin) {
			orgID = b.OrgID
			break
		}
	}
	if err := s.consoleLogin.Confirm(c.Request.Context(), c.Param("ticket"), sc.UserID, orgID); err != nil {
		fail(c, err)
		return
	}
	ok(c, http.StatusOK, Empty{})
}

// pollLoginTicket godoc
//
//	@Summary		Poll a console login ticket
//	@Description	{"status":"pending"} until an admin confirms; then, exactly once (also under concurrent polls on several nodes), {"status":"confirmed"} with the tokens of a new, ordinary session of that admin (refresh, logout and revocation as for any login; the login is audited as console.login). Afterwards, and for an unknown or expired ticket, 404/40400. 429/42900 beyond 600 per minute per IP.
//	@Tags			console
//	@Produce		json
//	@Param			ticket	path		string	true	"the ticket"
//	@Success		200		{object}	Envelope[loginTicketStatus]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Failure		503		{object}	ErrorResponse
//	@Router			/console/login-tickets/{ticket} [get]
func (s *Server) pollLoginTicket(c *gin.Context) {
	p, err := s.consoleLogin.Poll(c.Request.Context(), c.Param("ticket"))
	if failed(c, err) {
		return
	}
	if p.Tokens == nil {
		ok(c, http.StatusOK, loginTicketStatus{Status: "pending"})
		return
	}
	ok(c, http.StatusOK, loginTicketStatus{Status: "confirmed", AccessToken: p.Tokens.AccessToken,
		RefreshToken: p.Tokens.RefreshToken, ExpiresIn: p.Tokens.ExpiresIn})
}

// consoleRoutes mounts the web console (API.md §12): its login and
// settings under /api/v1/console, its files under /console/.
func (s *Server) consoleRoutes(r *gin.Engine, v1 *gin.RouterGroup) {
	v1.GET("/console/config", s.consoleConfig)
	v1.POST("/console/login-tickets", s.perIPBucket("console-ticket", consoleTicketsPerMinute), s.createLoginTicket)
	v1.GET("/console/login-tickets/:ticket", s.perIPBucket("console-poll", consolePollsPerMinute), s.pollLoginTicket)
	s.guarded(v1, "POST", "/console/login-tickets/:ticket/confirm", access.ConsoleLogin, s.confirmLoginTicket)
	if s.consoleFiles == nil {
		return
	}
	files := newConsoleFiles(s.consoleFiles)
	r.GET("/console", files.redirect)
	r.HEAD("/console", files.redirect)
	r.GET("/console/*path", files.serve)
	r.HEAD("/console/*path", files.serve)
}
