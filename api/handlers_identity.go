package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/pii"
)

// codeRequest carries a one-time WeChat code (wx.login or getPhoneNumber).
type codeRequest struct {
	Code string `json:"code" example:"0a3Xk2000..."`
}

// refreshRequest carries a refresh token.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// roleResponse is one role binding of the caller.
type roleResponse struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name"`
	Role    string `json:"role" enums:"federation_admin,union_chair,union_staff,verifier"`
}

// loginUser is the user part of a login reply.
type loginUser struct {
	ID         string         `json:"id" example:"384515783190089728"`
	PhoneBound bool           `json:"phone_bound"`
	Roles      []roleResponse `json:"roles"`
}

// tokenResponse is the reply of login and refresh.
type tokenResponse struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresIn    int       `json:"expires_in" example:"7200"`
	User         loginUser `json:"user"`
}

// phoneResponse is the reply of phone binding.
type phoneResponse struct {
	PhoneMasked string `json:"phone_masked" example:"138****8000"`
}

// meResponse is the caller's own profile.
type meResponse struct {
	ID          string               `json:"id"`
	PhoneMasked *string              `json:"phone_masked" example:"138****8000"`
	Roles       []roleResponse       `json:"roles"`
	Member      *meMember            `json:"member"`
	Application *applicationResponse `json:"application"`
	// ConsentCurrent: the caller's consent names the current privacy
	// notice's version (false with none or another).
	ConsentCurrent bool `json:"consent_current"`
	// Deactivation is the caller's pending account cancellation (注销), or
	// null.
	Deactivation *deactivationResponse `json:"deactivation"`
}

// meMember is the caller's place on the roll.
type meMember struct {
	ID       string `json:"id"`
	MemberNo string `json:"member_no"`
	OrgID    string `json:"org_id"`
	OrgName  string `json:"org_name"`
	Status   string `json:"status"`
	JoinedOn string `json:"joined_on"`
}

// login godoc
//
//	@Summary		Log in with a wx.login code
//	@Description	Exchanges the code for UnionHub tokens. 401/40102 when WeChat says the code is invalid or used; 502/50200 when WeChat fails; 429/42900 per IP.
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		codeRequest	true	"wx.login code"
//	@Success		200		{object}	Envelope[tokenResponse]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Failure		502		{object}	ErrorResponse
//	@Router			/auth/wechat/login [post]
func (s *Server) login(c *gin.Context) {
	var req codeRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	t, err := s.identity.Login(c.Request.Context(), req.Code)
	if failed(c, err) {
		return
	}
	s.tokenReply(c, t)
}

// tokenReply answers login and refresh with the user's roles.
func (s *Server) tokenReply(c *gin.Context, t *identity.Tokens) {
	roles, err := s.orgs.UserRoles(c.Request.Context(), t.User.ID)
	if failed(c, err) {
		return
	}
	resp := toTokenResponse(t)
	resp.User.Roles = items(roles, toRoleResponse)
	ok(c, http.StatusOK, resp)
}

// refresh godoc
//
//	@Summary		Rotate the refresh token
//	@Description	Returns a new token pair; the old refresh token stops working. Presenting a spent refresh token again (one of the session's last 16) revokes the whole session (401/40100): clients must serialise their refreshes. A token the session never issued is 401/40100 and revokes nothing.
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Param			body	body		refreshRequest	true	"the current refresh token"
//	@Success		200		{object}	Envelope[tokenResponse]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Router			/auth/refresh [post]
func (s *Server) refresh(c *gin.Context) {
	var req refreshRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	t, err := s.identity.Refresh(c.Request.Context(), req.RefreshToken)
	if failed(c, err) {
		return
	}
	s.tokenReply(c, t)
}

// logout godoc
//
//	@Summary	End the session
//	@Tags		identity
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	Envelope[Empty]
//	@Failure	401	{object}	ErrorResponse
//	@Router		/auth/logout [post]
func (s *Server) logout(c *gin.Context) {
	if failed(c, s.identity.Logout(c.Request.Context(), principal(c))) {
		return
	}
	ok(c, http.StatusOK, Empty{})
}

// bindPhone godoc
//
//	@Summary		Bind the WeChat-verified phone number
//	@Description	Takes the code from getPhoneNumber. A paid WeChat call: at most 5 per user per business day (429/42900 with Retry-After).
//	@Tags			identity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		codeRequest	true	"getPhoneNumber code"
//	@Success		200		{object}	Envelope[phoneResponse]
//	@Failure		401		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Failure		502		{object}	ErrorResponse
//	@Router			/me/phone [post]
func (s *Server) bindPhone(c *gin.Context) {
	var req codeRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	masked, err := s.identity.BindPhone(c.Request.Context(), principal(c), req.Code)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, phoneResponse{PhoneMasked: masked})
}

// me godoc
//
//	@Summary		The caller's profile
//	@Description	member and application are null until the caller is on the roll or has applied. consent_current is false when the caller has no consent or one to another version of the privacy notice (GET /privacy/notice): uploads and submissions then need a new consent; a member's card keeps working.
//	@Tags			identity
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[meResponse]
//	@Failure		401	{object}	ErrorResponse
//	@Router			/me [get]
func (s *Server) me(c *gin.Context) {
	u, err := s.identity.User(c.Request.Context(), principal(c).UserID)
	if failed(c, err) {
		return
	}
	phone, err := s.identity.Phone(u)
	if failed(c, err) {
		return
	}
	roles, err := s.orgs.UserRoles(c.Request.Context(), u.ID)
	if failed(c, err) {
		return
	}
	resp := meResponse{ID: idString(u.ID), Roles: items(roles, toRoleResponse)}
	if phone != "" {
		m := pii.MaskPhone(phone)
		resp.PhoneMasked = &m
	}
	ctx := c.Request.Context()
	m, err := s.apps.MemberOf(ctx, u.ID)
	if failed(c, err) {
		return
	}
	if m != nil {
		names, err := s.orgs.Names(ctx, []int64{m.OrgID})
		if failed(c, err) {
			return
		}
		resp.Member = &meMember{ID: idString(m.ID), MemberNo: m.MemberNo, OrgID: idString(m.OrgID),
			OrgName: names[m.OrgID], Status: m.Status, JoinedOn: m.JoinedOn}
	}
	if resp.ConsentCurrent, err = s.apps.ConsentCurrent(ctx, u.ID); err != nil {
		fail(c, err)
		return
	}
	if resp.Deactivation, err = s.myDeactivation(ctx, u.ID); err != nil {
		fail(c, err)
		return
	}
	a, err := s.apps.Current(ctx, u.ID)
	if failed(c, err) {
		return
	}
	if a != nil {
		r, err := s.renderApplication(c, a)
		if failed(c, err) {
			return
		}
		resp.Application = &r
	}
	ok(c, http.StatusOK, resp)
}

func toTokenResponse(t *identity.Tokens) tokenResponse {
	return tokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: t.ExpiresIn,
		User: toLoginUser(t.User)}
}

func toLoginUser(u *identity.User) loginUser {
	return loginUser{ID: idString(u.ID), PhoneBound: u.PhoneEnc != nil, Roles: []roleResponse{}}
}
