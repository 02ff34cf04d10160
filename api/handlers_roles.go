package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/org"
)

// invitationRequest asks for an invitation code.
type invitationRequest struct {
	OrgID ID     `json:"org_id" swaggertype:"string" example:"384515783190089728"`
	Role  string `json:"role" enums:"federation_admin,union_chair,union_staff,verifier"`
}

// invitationResponse is a fresh invitation: the code is shown only now.
type invitationResponse struct {
	Code      string    `json:"code" example:"K7Q2M9XRPD4T"`
	ExpiresAt time.Time `json:"expires_at"`
	OrgID     string    `json:"org_id"`
	Role      string    `json:"role"`
}

// acceptRequest carries an invitation code.
type acceptRequest struct {
	Code string `json:"code" example:"K7Q2M9XRPD4T"`
}

// roleBindingResponse is a role binding in the admin list.
type roleBindingResponse struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	OrgID     string    `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Role      string    `json:"role"`
	GrantedBy string    `json:"granted_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toRoleResponse(b org.BindingWithOrg) roleResponse {
	return roleResponse{ID: idString(b.ID), OrgID: idString(b.OrgID), OrgName: b.OrgName, Role: b.Role}
}

func (s *Server) toRoleBinding(b org.BindingWithOrg) roleBindingResponse {
	return roleBindingResponse{ID: idString(b.ID), UserID: idString(b.UserID), OrgID: idString(b.OrgID),
		OrgName: b.OrgName, Role: b.Role, GrantedBy: idString(b.GrantedBy), CreatedAt: s.at(b.CreatedAt)}
}

// createInvitation godoc
//
//	@Summary		Invite someone to a role
//	@Description	A federation admin invites any role at or below its org; a chair only union_staff and verifier of its own union (403 otherwise). The code works once and expires after 7 days.
//	@Tags			roles
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		invitationRequest	true	"org and role"
//	@Success		201		{object}	Envelope[invitationResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/invitations [post]
func (s *Server) createInvitation(c *gin.Context) {
	var req invitationRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	inv, err := s.orgs.Invite(c.Request.Context(), scope(c), int64(req.OrgID), req.Role)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, invitationResponse{Code: inv.Code, ExpiresAt: s.at(inv.ExpiresAt),
		OrgID: idString(inv.OrgID), Role: string(inv.Role)})
}

// acceptInvitation godoc
//
//	@Summary		Accept an invitation
//	@Description	Binds the caller to the invitation's role. Unknown, expired or revoked codes are 404; a used code is 409/40903; more than 10 tries an hour is 429. A new chair replaces the union's previous chair.
//	@Tags			roles
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		acceptRequest	true	"the code"
//	@Success		200		{object}	Envelope[roleResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Router			/invitations/accept [post]
func (s *Server) acceptInvitation(c *gin.Context) {
	var req acceptRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	b, err := s.orgs.Accept(c.Request.Context(), principal(c).UserID, req.Code)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, toRoleResponse(*b))
}

// listRoles godoc
//
//	@Summary		Role bindings the caller manages
//	@Description	A federation admin sees every binding in its subtree; a chair the staff and verifiers of its union. Newest first.
//	@Tags			roles
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one org (default: the whole scope)"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[roleBindingResponse]]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/roles [get]
func (s *Server) listRoles(c *gin.Context) {
	p, orgID, err := listQuery(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.orgs.ListRoles(c.Request.Context(), scope(c), orgID, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[roleBindingResponse]{Items: items(rows, s.toRoleBinding), NextCursor: next})
}

// revokeRole godoc
//
//	@Summary		Revoke a role binding
//	@Description	The role stops working at once on every node; invitations its holder issued and nobody used are revoked with it. Outside what the caller manages: 404.
//	@Tags			roles
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"role binding id"
//	@Success		200	{object}	Envelope[Empty]
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/roles/{id} [delete]
func (s *Server) revokeRole(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	if failed(c, s.orgs.RevokeRole(c.Request.Context(), scope(c), id)) {
		return
	}
	ok(c, http.StatusOK, Empty{})
}
