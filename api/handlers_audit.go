package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
)

// auditLogResponse is one row of the audit log.
type auditLogResponse struct {
	ID        string          `json:"id"`
	Seq       int64           `json:"seq" example:"1024"`
	ActorID   *string         `json:"actor_id"` // null: the system
	OrgID     string          `json:"org_id"`
	Action    string          `json:"action" example:"role.revoke"`
	Target    string          `json:"target" example:"role:384515783190089728"`
	RequestID string          `json:"request_id" example:"3f2a9c1e8b7d4a60"`
	Detail    json.RawMessage `json:"detail" swaggertype:"object"`
	CreatedAt time.Time       `json:"created_at"`
	Hash      string          `json:"hash" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
}

func (s *Server) toAuditLog(r audit.Row) auditLogResponse {
	var actor *string
	if r.ActorID != 0 {
		a := idString(r.ActorID)
		actor = &a
	}
	return auditLogResponse{ID: idString(r.ID), Seq: r.Seq, ActorID: actor, OrgID: idString(r.OrgID),
		Action: r.Action, Target: r.Target, RequestID: r.RequestID, Detail: r.Detail, CreatedAt: s.at(r.CreatedAt), Hash: r.Hash}
}

// listAuditLogs godoc
//
//	@Summary		The audit log
//	@Description	Who did what to whose data: unmasked reads of personal data and ID images, decisions, role changes, invitations, org changes, exports. A federation admin sees the rows of orgs in its subtree (rows without an org, i.e. system actions, are listed to nobody). org_id narrows to that org's subtree (outside the scope: 404); action to one action name. Newest first. Each row carries its seq in the hash chain and its hash (`unionhub audit verify` checks the chain). Details never hold full ID or phone numbers.
//	@Tags			audit
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one org's subtree (default: the whole scope)"
//	@Param			action	query		string	false	"one action, e.g. role.revoke"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[auditLogResponse]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/audit-logs [get]
func (s *Server) listAuditLogs(c *gin.Context) {
	p, orgID, err := listQuery(c)
	if failed(c, err) {
		return
	}
	action := c.Query("action")
	if len(action) > 64 {
		fail(c, malformed("参数 action 无效"))
		return
	}
	rows, next, err := s.audit.List(c.Request.Context(), scope(c).Paths(access.AuditRead),
		audit.Filter{OrgID: orgID, Action: action}, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[auditLogResponse]{Items: items(rows, s.toAuditLog), NextCursor: next})
}
