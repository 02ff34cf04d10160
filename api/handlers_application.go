package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/application"
)

// renderApplication renders a for its applicant.
func (s *Server) renderApplication(c *gin.Context, a *application.Application) (applicationResponse, error) {
	names, err := s.scopedOrgNames(c, []int64{a.OrgID}) // an admin's own union is named by the scope
	if err != nil {
		return applicationResponse{}, err
	}
	idNumber, phone, err := s.apps.Reveal(a)
	if err != nil {
		return applicationResponse{}, err
	}
	return s.toApplicationResponse(a, names[a.OrgID], idNumber, phone), nil
}

func (s *Server) replyApplication(c *gin.Context, status int, a *application.Application) {
	r, err := s.renderApplication(c, a)
	if failed(c, err) {
		return
	}
	ok(c, status, r)
}

// createApplication godoc
//
//	@Summary		Apply to join a union (入会申请)
//	@Description	Saves a draft, or submits at once with "submit": true. org_id is a grassroots union that accepts applications, or an intake point (a federation listed by GET /orgs/search?intake=true, for workers whose employer has no union), whose admins assign the application to a union; any other org is 422 on org_id. Needs a current consent (422 on field consent); submitting needs all three consent items, a photo and a bound phone (422 on field phone). Every bad or missing field is listed in details by JSON path; free text (employment.employer_name, job_title, dispatch_agency_name) is one line, without control or invisible characters or < >. One open application per user (409/40902); an ID number on the roll is 409/40901. An Idempotency-Key header makes a retry within 24 h return the first reply (same status and body, header Idempotent-Replayed: true), also a retry sent while the first request still runs, on any node: it waits up to 10 s for that reply (then 429/42900, Retry-After 1). The same key with another body is 422 on field Idempotency-Key; a request that failed stores nothing, so a corrected retry may reuse its key. Limits per user (429/42900 with Retry-After): 20 application writes (create, change, submit) a minute and 100 a day; an ID number on the roll is answered 40901 at most 5 times a day, and at most 10 distinct ID numbers a day may be put in forms; past either, every write carrying an ID number is 429 until midnight (Beijing time), on the roll or not.
//	@Tags			applications
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			Idempotency-Key	header		string			false	"retry key (≤ 64 characters)"
//	@Param			body			body		applicationForm	true	"the form"
//	@Success		201				{object}	Envelope[applicationResponse]
//	@Failure		409				{object}	ErrorResponse
//	@Failure		422				{object}	ErrorResponse
//	@Failure		429				{object}	ErrorResponse
//	@Router			/applications [post]
func (s *Server) createApplication(c *gin.Context) {
	var req applicationForm
	if failed(c, readJSON(c, &req)) {
		return
	}
	s.createIdempotent(c, "POST /applications", req, func(save saveReply) (any, error) {
		var reply applicationResponse
		_, err := s.apps.Create(c.Request.Context(), principal(c).UserID, req.form(), req.Submit,
			func(ctx context.Context, a *application.Application) error {
				var err error
				if reply, err = s.renderApplication(c, a); err != nil {
					return err
				}
				return save(ctx, reply)
			})
		return reply, err
	})
}

// updateApplication godoc
//
//	@Summary		Change a draft or returned application
//	@Description	The whole form, checked as for a draft; an ID number on the roll is 409/40901. With "submit":true the changed form is also submitted, as POST /applications/{id}/submit would (a returned application is resubmitted: status submitted, a new due_on, timeline kind resubmitted); a form that cannot be submitted is 422 with every missing field and nothing is saved. Limits per user (429/42900 with Retry-After): 20 application writes (create, change, submit) a minute and 100 a day; an ID number on the roll is answered 40901 at most 5 times a day, and at most 10 distinct ID numbers a day may be put in forms; past either, every write carrying an ID number is 429 until midnight (Beijing time), on the roll or not.
//	@Tags			applications
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"application id"
//	@Param			body	body		applicationForm	true	"the whole form"
//	@Success		200		{object}	Envelope[applicationResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Router			/applications/{id} [put]
func (s *Server) updateApplication(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req applicationForm
	if failed(c, readJSON(c, &req)) {
		return
	}
	a, err := s.apps.Update(c.Request.Context(), principal(c).UserID, id, req.form(), req.Submit)
	if failed(c, err) {
		return
	}
	s.replyApplication(c, http.StatusOK, a)
}

// submitApplication godoc
//
//	@Summary		Submit a draft or returned application
//	@Description	An incomplete form is 422 with every missing field. The reply carries due_on, the review deadline: the submission date plus 15 working days (weekends and public holidays off, make-up working days on); a resubmission after a return starts it again. Limits per user (429/42900 with Retry-After): 20 application writes (create, change, submit) a minute and 100 a day; an ID number on the roll is answered 40901 at most 5 times a day, and at most 10 distinct ID numbers a day may be put in forms; past either, every write carrying an ID number is 429 until midnight (Beijing time), on the roll or not.
//	@Tags			applications
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"application id"
//	@Success		200	{object}	Envelope[applicationResponse]
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse
//	@Failure		422	{object}	ErrorResponse
//	@Failure		429	{object}	ErrorResponse
//	@Router			/applications/{id}/submit [post]
func (s *Server) submitApplication(c *gin.Context) {
	s.ownerAction(c, s.apps.Submit)
}

// withdrawApplication godoc
//
//	@Summary	Withdraw an open application
//	@Tags		applications
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"application id"
//	@Success	200	{object}	Envelope[applicationResponse]
//	@Failure	404	{object}	ErrorResponse
//	@Failure	409	{object}	ErrorResponse
//	@Router		/applications/{id}/withdraw [post]
func (s *Server) withdrawApplication(c *gin.Context) {
	s.ownerAction(c, s.apps.Withdraw)
}

// getApplication godoc
//
//	@Summary		One of the caller's applications, with its timeline
//	@Description	due_on is the review deadline of the latest submission: its date plus 15 working days (business calendar); overdue is true while it is still submitted after it. timeline lists every move, oldest first: kind submitted, assigned (to a union by an intake point), returned, resubmitted, approved, rejected or withdrawn, with the org it was at afterwards and the reason given (note).
//	@Tags		applications
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"application id"
//	@Success	200	{object}	Envelope[applicationDetailResponse]
//	@Failure	404	{object}	ErrorResponse
//	@Router		/applications/{id} [get]
func (s *Server) getApplication(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	ctx, userID := c.Request.Context(), principal(c).UserID
	a, err := s.apps.Get(ctx, userID, id)
	if failed(c, err) {
		return
	}
	events, err := s.apps.Timeline(ctx, a)
	if failed(c, err) {
		return
	}
	r, err := s.renderApplication(c, a)
	if failed(c, err) {
		return
	}
	orgIDs := make([]int64, len(events))
	for i, ev := range events {
		orgIDs[i] = ev.OrgID
	}
	names, err := s.orgs.Names(ctx, orgIDs)
	if failed(c, err) {
		return
	}
	out := applicationDetailResponse{applicationResponse: r, Timeline: make([]timelineEntry, len(events))}
	for i, ev := range events {
		out.Timeline[i] = timelineEntry{At: s.at(ev.At), Kind: ev.Kind, OrgName: names[ev.OrgID], Note: ev.Note}
	}
	ok(c, http.StatusOK, out)
}

func (s *Server) ownerAction(c *gin.Context, act func(ctx context.Context, userID, id int64) (*application.Application, error)) {
	id, found := pathID(c)
	if !found {
		return
	}
	if failed(c, readJSON(c, &struct{}{})) {
		return
	}
	a, err := act(c.Request.Context(), principal(c).UserID, id)
	if failed(c, err) {
		return
	}
	s.replyApplication(c, http.StatusOK, a)
}

// myApplications godoc
//
//	@Summary	The caller's applications, newest first
//	@Tags		applications
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"page size (default 20, max 100)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	Envelope[listResponse[applicationResponse]]
//	@Router		/applications/mine [get]
func (s *Server) myApplications(c *gin.Context) {
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.apps.Mine(c.Request.Context(), principal(c).UserID, p)
	if failed(c, err) {
		return
	}
	out := make([]applicationResponse, 0, len(rows))
	for i := range rows {
		r, err := s.renderApplication(c, &rows[i])
		if failed(c, err) {
			return
		}
		out = append(out, r)
	}
	ok(c, http.StatusOK, listResponse[applicationResponse]{Items: out, NextCursor: next})
}
