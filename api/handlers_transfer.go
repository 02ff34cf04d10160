package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/membership"
)

// transferRequest asks to move one's membership.
type transferRequest struct {
	ToOrgID ID     `json:"to_org_id" swaggertype:"string"`
	Reason  string `json:"reason" example:"换工作到新单位"`
}

// transferDecision is the body of a transfer approval or rejection.
type transferDecision struct {
	Reason string `json:"reason"`
}

// transferResponse is a transfer request.
type transferResponse struct {
	ID             string     `json:"id"`
	MemberID       string     `json:"member_id"`
	FromOrgID      string     `json:"from_org_id"`
	ToOrgID        string     `json:"to_org_id"`
	Status         string     `json:"status" enums:"pending,approved,rejected"`
	Reason         *string    `json:"reason"`
	DecisionReason *string    `json:"decision_reason"`
	DecidedAt      *time.Time `json:"decided_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

func (s *Server) toTransferResponse(t membership.Transfer) transferResponse {
	return transferResponse{ID: idString(t.ID), MemberID: idString(t.MemberID), FromOrgID: idString(t.FromOrgID),
		ToOrgID: idString(t.ToOrgID), Status: t.Status, Reason: t.Reason, DecisionReason: t.DecisionReason,
		DecidedAt: s.atp(t.DecidedAt), CreatedAt: s.at(t.CreatedAt)}
}

// requestTransfer godoc
//
//	@Summary		Ask to move one's membership (会籍接转)
//	@Description	Decided by the destination union. One pending transfer per member (409/40900). An Idempotency-Key header makes a retry within 24 h return the first reply (same status and body, header Idempotent-Replayed: true), also a retry sent while the first request still runs, on any node: it waits up to 10 s for that reply (then 429/42900, Retry-After 1). The same key with another body is 422 on field Idempotency-Key; a request that failed stores nothing, so a corrected retry may reuse its key.
//	@Tags			membership
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			Idempotency-Key	header		string			false	"retry key (≤ 64 characters)"
//	@Param			body			body		transferRequest	true	"destination"
//	@Success		201				{object}	Envelope[transferResponse]
//	@Failure		404				{object}	ErrorResponse	"not a member on the roll"
//	@Failure		409				{object}	ErrorResponse
//	@Failure		422				{object}	ErrorResponse
//	@Failure		429				{object}	ErrorResponse
//	@Router			/me/transfers [post]
func (s *Server) requestTransfer(c *gin.Context) {
	var req transferRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	s.createIdempotent(c, "POST /me/transfers", req, func(save saveReply) (any, error) {
		var reply transferResponse
		_, err := s.members.RequestTransfer(c.Request.Context(), principal(c).UserID, int64(req.ToOrgID), req.Reason,
			func(ctx context.Context, t *membership.Transfer) error {
				reply = s.toTransferResponse(*t)
				return save(ctx, reply)
			})
		return reply, err
	})
}

// listTransfers godoc
//
//	@Summary	Transfers into unions in the caller's scope
//	@Tags		membership
//	@Produce	json
//	@Security	BearerAuth
//	@Param		org_id	query		string	false	"destination union"
//	@Param		status	query		string	false	"pending, approved or rejected"
//	@Param		limit	query		int		false	"page size (default 20, max 100)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	Envelope[listResponse[transferResponse]]
//	@Router		/admin/transfers [get]
func (s *Server) listTransfers(c *gin.Context) {
	p, orgID, good := s.adminListParams(c)
	if !good {
		return
	}
	rows, next, err := s.members.Transfers(c.Request.Context(), scope(c), orgID, c.Query("status"), p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[transferResponse]{Items: items(rows, s.toTransferResponse), NextCursor: next})
}

// approveTransfer godoc
//
//	@Summary		Approve a transfer into the union
//	@Description	Moves the member: same member number and history, 转出/转入 events, both unions' counters, the member told (transfer_approved, and record_changed with fields ["org_id"] and the 转入 event_id).
//	@Tags			membership
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				false	"transfer id"
//	@Param			body	body		transferDecision	false	"optional note"
//	@Success		200		{object}	Envelope[transferResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Router			/admin/transfers/{id}/approve [post]
func (s *Server) approveTransfer(c *gin.Context) { s.decideTransfer(c, true) }

// rejectTransfer godoc
//
//	@Summary	Reject a transfer (reason required)
//	@Tags		membership
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string				true	"transfer id"
//	@Param		body	body		transferDecision	true	"reason"
//	@Success	200		{object}	Envelope[transferResponse]
//	@Failure	404		{object}	ErrorResponse
//	@Failure	409		{object}	ErrorResponse
//	@Failure	422		{object}	ErrorResponse
//	@Router		/admin/transfers/{id}/reject [post]
func (s *Server) rejectTransfer(c *gin.Context) { s.decideTransfer(c, false) }

func (s *Server) decideTransfer(c *gin.Context, approve bool) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req transferDecision
	if failed(c, readJSON(c, &req)) {
		return
	}
	t, err := s.members.DecideTransfer(c.Request.Context(), scope(c), id, approve, req.Reason)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, s.toTransferResponse(*t))
}

// leaveRequest is the body of leaving.
type leaveRequest struct {
	Reason string `json:"reason" example:"个人要求退会"`
}

// leave godoc
//
//	@Summary		Leave the union (退会)
//	@Description	Status left; the card stops working; the person may apply again later. reason is optional.
//	@Tags			membership
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		leaveRequest	false	"reason"
//	@Success		200		{object}	Envelope[memberResponse]
//	@Failure		404		{object}	ErrorResponse	"not a member on the roll"
//	@Router			/me/membership/leave [post]
func (s *Server) leave(c *gin.Context) {
	var req leaveRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	m, err := s.members.Leave(c.Request.Context(), principal(c).UserID, req.Reason)
	if failed(c, err) {
		return
	}
	s.replyMember(c, m)
}

// claimRequest names the record to claim.
type claimRequest struct {
	Name     string `json:"name" example:"张三"`
	IDNumber string `json:"id_number" example:"11010519491231002X"`
}

// claimCard godoc
//
//	@Summary		Claim one's member record
//	@Description	Links the record whose name, ID number and the caller's WeChat-verified phone all match. Wrong data: one generic 404; at most 5 tries per hour (429). A record linked to another WeChat user moves (audited, that user told).
//	@Tags			membership
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		claimRequest	true	"name and ID number"
//	@Success		200		{object}	Envelope[memberResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse
//	@Router			/me/card/claim [post]
func (s *Server) claimCard(c *gin.Context) {
	var req claimRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	m, err := s.members.Claim(c.Request.Context(), principal(c).UserID, req.Name, req.IDNumber)
	if failed(c, err) {
		return
	}
	s.replyMember(c, m)
}
