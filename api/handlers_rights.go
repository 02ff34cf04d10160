package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/rights"
)

// rightsRequestBody is a correction request (kind correction, fields) or a
// dispute of a recorded change (kind not_me, event_id).
type rightsRequestBody struct {
	Kind    string         `json:"kind" enums:"correction,not_me"`
	Fields  *rights.Fields `json:"fields"`
	EventID ID             `json:"event_id" swaggertype:"string"`
	Reason  string         `json:"reason" example:"我的学历是大学本科，登记成了高中"`
}

// rightsDecisionBody approves or rejects a request.
type rightsDecisionBody struct {
	Version *int   `json:"version"`
	Reason  string `json:"reason" example:"经核实，学历证书与申请一致"`
}

// rightsRequestResponse is a correction request or dispute. requested
// holds the values asked for, the phone masked; fields names them.
type rightsRequestResponse struct {
	ID             string         `json:"id"`
	Kind           string         `json:"kind" enums:"correction,not_me"`
	Status         string         `json:"status" enums:"pending,approved,rejected"`
	Version        int            `json:"version"`
	OrgID          string         `json:"org_id"`
	OrgName        string         `json:"org_name"`
	MemberID       *string        `json:"member_id"`
	ApplicationID  *string        `json:"application_id"`
	Name           *string        `json:"name,omitempty" example:"张*"`
	Fields         []string       `json:"fields" example:"education,employment.job_title"`
	Requested      *rights.Fields `json:"requested"`
	EventID        *string        `json:"event_id"`
	Reason         string         `json:"reason"`
	DueOn          string         `json:"due_on" example:"2026-12-18"`
	Overdue        bool           `json:"overdue"`
	DecisionReason *string        `json:"decision_reason"`
	DecidedAt      *time.Time     `json:"decided_at"`
	CreatedAt      time.Time      `json:"created_at"`
}

// renderRights renders requests; names[i] is the person's name of rows[i]
// for the admins' list (nil: none shown). Phones are masked everywhere;
// names follow nameFor (API.md §1, Lists of people).
func (s *Server) renderRights(c *gin.Context, rows []rights.Record, names []*string) ([]rightsRequestResponse, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.OrgID
	}
	orgNames, err := s.scopedOrgNames(c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]rightsRequestResponse, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		f, err := s.rights.Requested(r)
		if err != nil {
			return nil, err
		}
		if f != nil {
			if f.Phone != nil {
				masked := pii.MaskPhone(*f.Phone)
				f.Phone = &masked
			}
			if f.Name != nil {
				shown := nameFor(c, r.OrgID, *f.Name)
				f.Name = &shown
			}
		}
		v := rightsRequestResponse{ID: idString(r.ID), Kind: r.Kind, Status: r.Status, Version: r.Version,
			OrgID: idString(r.OrgID), OrgName: orgNames[r.OrgID], MemberID: optIDString(r.MemberID),
			ApplicationID: optIDString(r.ApplicationID), Fields: []string{}, Requested: f, EventID: optIDString(r.EventID),
			Reason: r.Reason, DueOn: r.DueOn, Overdue: s.rights.Overdue(r), DecisionReason: r.DecisionReason,
			DecidedAt: s.atp(r.DecidedAt), CreatedAt: s.at(r.CreatedAt)}
		if r.FieldNames != nil && *r.FieldNames != "" {
			v.Fields = strings.Split(*r.FieldNames, ",")
		}
		if names != nil && names[i] != nil {
			shown := nameFor(c, r.OrgID, *names[i])
			v.Name = &shown
		}
		out = append(out, v)
	}
	return out, nil
}

// createRightsRequest godoc
//
//	@Summary		Ask for a correction, or dispute a change (更正、异议)
//	@Description	For a user with a member record (the newest linked to them, whatever its status) or, without one, a submitted or returned application. kind correction: fields holds the member fields to change, exactly those of an admin's correction (PATCH /admin/members/{id}) with the same rules, 422 per field as fields.<path> (fields itself when missing or changing nothing). kind not_me: event_id is one of the caller's own member record's events (the event_id of a record_changed notice), else 422 on event_id. reason is required (up to 500 characters, line breaks allowed, no other control or invisible characters). due_on is the submission date plus 15 working days; the union's admins decide (GET /admin/rights-requests). One pending request per kind per user (409/40900); at most 5 per minute and 20 per business day per user (429/42900, Retry-After). No record and no open application: 404.
//	@Tags			rights
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		rightsRequestBody	true	"the request"
//	@Success		201		{object}	Envelope[rightsRequestResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Router			/me/correction-requests [post]
func (s *Server) createRightsRequest(c *gin.Context) {
	var req rightsRequestBody
	if failed(c, readJSON(c, &req)) {
		return
	}
	r, err := s.rights.Create(c.Request.Context(), principal(c).UserID, rights.Request{Kind: req.Kind,
		Fields: req.Fields, EventID: int64(req.EventID), Reason: req.Reason})
	if failed(c, err) {
		return
	}
	s.replyRights(c, http.StatusCreated, r)
}

func (s *Server) replyRights(c *gin.Context, status int, r *rights.Record) {
	out, err := s.renderRights(c, []rights.Record{*r}, nil)
	if failed(c, err) {
		return
	}
	ok(c, status, out[0])
}

// myRightsRequests godoc
//
//	@Summary		The caller's correction requests and disputes
//	@Description	Newest first, with their outcome: status, decision_reason (a rejection's reason), decided_at. The caller is also told each decision in-app (rights_request_approved / rights_request_rejected).
//	@Tags			rights
//	@Produce		json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[rightsRequestResponse]]
//	@Router			/me/correction-requests [get]
func (s *Server) myRightsRequests(c *gin.Context) {
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.rights.Mine(c.Request.Context(), principal(c).UserID, p)
	if failed(c, err) {
		return
	}
	out, err := s.renderRights(c, rows, nil)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[rightsRequestResponse]{Items: out, NextCursor: next})
}

// listRightsRequests godoc
//
//	@Summary		Correction requests and disputes to decide
//	@Description	Requests about members (or applications) of the unions in the caller's scope — the member's union and its ancestors, so a parent federation sees its unions' overdue requests — newest first. A list of people (API.md §1): name in full for the union's own chair and staff, masked for federation admins (also a requested name); requested phones masked; no ID number. overdue is true while pending after due_on (submission date plus 15 working days); ?overdue=true lists only those, ?overdue=false the others.
//	@Tags			rights
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one union (default: the whole scope)"
//	@Param			status	query		string	false	"pending, approved or rejected"
//	@Param			overdue	query		string	false	"true or false"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[rightsRequestResponse]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/rights-requests [get]
func (s *Server) listRightsRequests(c *gin.Context) {
	p, orgID, good := s.adminListParams(c)
	if !good {
		return
	}
	rows, next, err := s.rights.List(c.Request.Context(), scope(c), orgID, c.Query("status"), c.Query("overdue"), p)
	if failed(c, err) {
		return
	}
	reqs, names := make([]rights.Record, len(rows)), make([]*string, len(rows))
	for i := range rows {
		reqs[i], names[i] = rows[i].RightsRequest, rows[i].PersonName
	}
	out, err := s.renderRights(c, reqs, names)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[rightsRequestResponse]{Items: out, NextCursor: next})
}

// approveRightsRequest godoc
//
//	@Summary		Approve a correction request or dispute
//	@Description	version (the request's current one) is required; a stale version or a request already decided is 409/40900. A correction of a member record is applied at once, in the same transaction, as an admin's correction (PATCH /admin/members/{id}): event correction, audit entry, counters, and the member told (record_changed); a member no longer in the caller's scope (transferred away) is 409. Approving a not_me dispute, or a correction of an application, records the decision only: the admins then act on the record (correct it, change its status, return the application), and each such act tells the person again. reason is optional here. The person is told in-app (rights_request_approved).
//	@Tags			rights
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"request id"
//	@Param			body	body		rightsDecisionBody	true	"version and optional note"
//	@Success		200		{object}	Envelope[rightsRequestResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/rights-requests/{id}/approve [post]
func (s *Server) approveRightsRequest(c *gin.Context) { s.decideRights(c, true) }

// rejectRightsRequest godoc
//
//	@Summary		Reject a correction request or dispute
//	@Description	version and reason are required (422); the person sees the reason (in GET /me/correction-requests as decision_reason, and in the rights_request_rejected notice). A stale version or a request already decided is 409/40900.
//	@Tags			rights
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"request id"
//	@Param			body	body		rightsDecisionBody	true	"version and reason"
//	@Success		200		{object}	Envelope[rightsRequestResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/rights-requests/{id}/reject [post]
func (s *Server) rejectRightsRequest(c *gin.Context) { s.decideRights(c, false) }

func (s *Server) decideRights(c *gin.Context, approve bool) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req rightsDecisionBody
	if failed(c, readJSON(c, &req)) {
		return
	}
	r, err := s.rights.Decide(c.Request.Context(), scope(c), id, rights.Decision{Approve: approve, Version: req.Version, Reason: req.Reason})
	if failed(c, err) {
		return
	}
	s.replyRights(c, http.StatusOK, r)
}
