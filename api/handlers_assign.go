package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/application"
)

// assignRequest is the body of POST /admin/applications/{id}/assign.
type assignRequest struct {
	Version *int            `json:"version" example:"2"`
	OrgID   json.RawMessage `json:"org_id" swaggertype:"string" example:"384515783190089728"`
	Reason  string          `json:"reason" example:"按工作地分配到园区联合工会"`
}

// assignApplication godoc
//
//	@Summary		Assign a submitted application to a grassroots union
//	@Description	Federation admins only (403 for chairs and staff), with the application in their scope (else 404): one made to an intake point (属地入会, API.md §11), which cannot be approved where it is, or one overdue and escalated to the parent federation; an application in its union's queue within its period is that union's to decide (409/40900, as can_assign in the queue says). org_id must be another grassroots union in the caller's scope (an org outside it, or none, is 404) that is active and accepts applications (else 422 on org_id); the application must be submitted and version its current one (else 409/40900). The application moves to that union's queue with a new version; pending moves from the old org's counters to the union's; the move is recorded for the applicant's timeline (kind assigned, with reason as its note) and audited. reason is optional, at most 500 characters of plain text, and the applicant sees it. The applicant is told in the app (notification kind application_assigned, data application_id and org_id); no WeChat subscribe message is sent: the one template is for review results, and a one-time subscription spent here would leave none for the decision. The reply shows the application as lists of people do (age instead of the birth date, name masked for federation admins).
//	@Tags			review
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"application id"
//	@Param			body	body		assignRequest	true	"version, the union and an optional reason"
//	@Success		200		{object}	Envelope[adminApplication]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/applications/{id}/assign [post]
func (s *Server) assignApplication(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req assignRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	var org ID
	var bad []service.FieldError
	if len(req.OrgID) > 0 {
		if err := json.Unmarshal(req.OrgID, &org); err != nil {
			bad = append(bad, service.FieldError{Field: "org_id", Message: "工会编号无效"})
		}
	}
	if req.Version == nil {
		bad = append(bad, service.FieldError{Field: "version", Message: "缺少申请的版本号，请刷新后重试"})
	}
	if len(bad) > 0 {
		fail(c, service.Invalid(bad))
		return
	}
	a, err := s.apps.Assign(c.Request.Context(), scope(c), id,
		application.Assignment{Version: *req.Version, OrgID: int64(org), Reason: req.Reason})
	if failed(c, err) {
		return
	}
	r, err := s.renderForAdmin(c, a)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, r)
}
