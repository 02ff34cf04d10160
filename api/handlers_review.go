package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
)

// decisionRequest is the body of approve, reject and return.
type decisionRequest struct {
	Version *int   `json:"version" example:"2"`
	Reason  string `json:"reason" example:"照片不清晰，请重新上传"`
}

// approveResponse is the reply of an approval.
type approveResponse struct {
	Application adminApplication `json:"application"`
	Member      approvedMember   `json:"member"`
}

// approvedMember names the member an approval created.
type approvedMember struct {
	ID       string `json:"id"`
	MemberNo string `json:"member_no" example:"42010600000017"`
}

// reviewQueue godoc
//
//	@Summary		The review queue
//	@Description	Applications in the caller's scope, newest first, withdrawn ones included; those made to an intake point (a federation) are in the queue of its federation admins and those above, until assigned to a union (POST /admin/applications/{id}/assign) (status filters; submitted for the pending queue); drafts are never listed. Each carries due_on (submission date + 15 working days, business calendar), overdue (still submitted after due_on), escalated (overdue and reported to the parent federation's admins, whose queue this is too) and can_assign (the caller may assign it now: submitted, at an intake point (a federation org) or escalated once overdue, and the caller a federation admin in scope; the console shows 转派 by it); overdue=true lists the overdue ones only, overdue=false all but them (another value: 400/40000). A list of people (API.md §1): ID numbers masked; age (completed years on the business date), never the birth date, which with the mask would give the ID number back; name in full for the union's own chair and staff, masked for federation admins (name_masked is always masked); a withdrawn application's name masked and no age for everyone. The clear values are in the audited detail.
//	@Tags			review
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one union (default: the whole scope)"
//	@Param			status	query		string	false	"submitted, approved, rejected, returned or withdrawn"
//	@Param			overdue	query		string	false	"true: overdue only; false: all but the overdue"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[applicationListItem]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/applications [get]
func (s *Server) reviewQueue(c *gin.Context) {
	p, orgID, good := s.adminListParams(c)
	if !good {
		return
	}
	rows, next, err := s.apps.Queue(c.Request.Context(), scope(c), orgID, c.Query("status"), c.Query("overdue"), p)
	if failed(c, err) {
		return
	}
	ids := make([]int64, len(rows))
	for i, a := range rows {
		ids[i] = a.OrgID
	}
	names, err := s.scopedOrgNames(c, ids)
	if failed(c, err) {
		return
	}
	assignable, err := s.apps.Assignable(c.Request.Context(), scope(c), rows)
	if failed(c, err) {
		return
	}
	out := make([]applicationListItem, 0, len(rows))
	for i := range rows {
		idNumber, _, err := s.apps.Reveal(&rows[i])
		if failed(c, err) {
			return
		}
		item := s.applicationListItem(c, &rows[i], names[rows[i].OrgID], idNumber)
		item.CanAssign = assignable[rows[i].ID]
		out = append(out, item)
	}
	ok(c, http.StatusOK, listResponse[applicationListItem]{Items: out, NextCursor: next})
}

// reviewDetail godoc
//
//	@Summary		One application, in full
//	@Description	The ID number and phone in clear, for the reviewer; every such read is written to the audit log. due_on, overdue, escalated and can_assign as in the queue. What the applicant's consent or scope no longer allows is withheld (null, the name masked) and named in withheld, with withheld_reason: consent_withdrawn (personal_info withdrawn: the whole form, for everyone; sensitive_info withdrawn: id_number and birth_date, for everyone), share_upward_withdrawn (the whole form, for federation admins above the union), transferred (the member this application made has moved to a union outside the caller's scope: the whole form). The images of a withdrawn consent are deleted (GET /uploads/{id} is 404).
//	@Tags			review
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"application id"
//	@Success		200	{object}	Envelope[applicationDetail]
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/applications/{id} [get]
func (s *Server) reviewDetail(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	a, w, err := s.apps.Detail(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	s.replyDetail(c, http.StatusOK, a, w)
}

func (s *Server) replyDetail(c *gin.Context, status int, a *application.Application, w application.Withheld) {
	r, err := s.renderApplication(c, a)
	if failed(c, err) {
		return
	}
	idNumber, phone, err := s.apps.Reveal(a)
	if failed(c, err) {
		return
	}
	assignable, err := s.apps.Assignable(c.Request.Context(), scope(c), []application.Application{*a})
	if failed(c, err) {
		return
	}
	d := toApplicationDetail(r, a, idNumber, phone, w)
	d.CanAssign = assignable[a.ID]
	ok(c, status, d)
}

// approveApplication godoc
//
//	@Summary		Approve: put the applicant on the roll
//	@Description	version must be the application's current one; a stale version or a status that does not allow approval is 409/40900. Only a grassroots union takes members: an application still at an intake point is 422 on org_id (assign it first); rejecting and returning it there are allowed. Two concurrent approvals make one member. The reply names the new member and member number (region code of the union + 8-digit sequence); the application in it is shown as in lists of people (age instead of the birth date, name masked for federation admins).
//	@Tags			review
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"application id"
//	@Param			body	body		decisionRequest	true	"version"
//	@Success		200		{object}	Envelope[approveResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/applications/{id}/approve [post]
func (s *Server) approveApplication(c *gin.Context) {
	id, d, good := s.decisionParams(c, false)
	if !good {
		return
	}
	res, err := s.apps.Approve(c.Request.Context(), scope(c), id, d)
	if failed(c, err) {
		return
	}
	r, err := s.renderForAdmin(c, res.Application)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, approveResponse{Application: r, Member: approvedMember{ID: idString(res.Member.ID), MemberNo: res.Member.MemberNo}})
}

// rejectApplication godoc
//
//	@Summary		Reject (reason required)
//	@Description	The reply shows the application as lists of people do: age instead of the birth date, the name masked for federation admins.
//	@Tags			review
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"application id"
//	@Param			body	body		decisionRequest	true	"version and reason"
//	@Success		200		{object}	Envelope[adminApplication]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/applications/{id}/reject [post]
func (s *Server) rejectApplication(c *gin.Context) {
	s.decide(c, s.apps.Reject)
}

// returnApplication godoc
//
//	@Summary		Return to the applicant to fix (reason required)
//	@Description	The reply shows the application as lists of people do: age instead of the birth date, the name masked for federation admins.
//	@Tags			review
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"application id"
//	@Param			body	body		decisionRequest	true	"version and reason"
//	@Success		200		{object}	Envelope[adminApplication]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/applications/{id}/return [post]
func (s *Server) returnApplication(c *gin.Context) {
	s.decide(c, s.apps.Return)
}

type decideFunc func(ctx context.Context, sc access.Scope, id int64, d application.Decision) (*application.Application, error)

func (s *Server) decide(c *gin.Context, fn decideFunc) {
	id, d, good := s.decisionParams(c, true)
	if !good {
		return
	}
	a, err := fn(c.Request.Context(), scope(c), id, d)
	if failed(c, err) {
		return
	}
	r, err := s.renderForAdmin(c, a)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, r)
}

// decisionParams reads a decision's body; needReason: the decision needs a
// reason, reported with a missing version so that {} lists both.
func (s *Server) decisionParams(c *gin.Context, needReason bool) (int64, application.Decision, bool) {
	id, found := pathID(c)
	if !found {
		return 0, application.Decision{}, false
	}
	var req decisionRequest
	if failed(c, readJSON(c, &req)) {
		return 0, application.Decision{}, false
	}
	if req.Version == nil {
		bad := []service.FieldError{{Field: "version", Message: "缺少申请的版本号，请刷新后重试"}}
		if needReason && strings.TrimSpace(req.Reason) == "" {
			bad = append(bad, service.FieldError{Field: "reason", Message: "请填写原因（不超过500字），申请人会看到它"})
		}
		fail(c, service.Invalid(bad))
		return 0, application.Decision{}, false
	}
	return id, application.Decision{Version: *req.Version, Reason: req.Reason}, true
}
