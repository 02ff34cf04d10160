package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/account"
)

// deactivationRequest is POST /me/deactivation's body.
type deactivationRequest struct {
	// Reason is required, up to 500 characters; it is erased when the
	// account is deleted.
	Reason string `json:"reason" example:"不再使用本小程序"`
	// Leave also takes the member record off the roll (status left).
	// Without it the record stays on the union's roll, unlinked from the
	// account; it can be claimed again later (POST /me/card/claim).
	Leave bool `json:"leave"`
}

// deactivationResponse is a live account cancellation.
type deactivationResponse struct {
	// Status is pending (cancellable with DELETE until effective_at) or
	// running (being carried out).
	Status string `json:"status" enums:"pending,running"`
	// Source is user (POST /me/deactivation) or wechat (the user cancelled
	// the mini-program's authorisation: no cooling-off).
	Source      string    `json:"source" enums:"user,wechat"`
	Leave       bool      `json:"leave"`
	RequestedAt time.Time `json:"requested_at"`
	// EffectiveAt is when the deletion runs: 7 days after the request.
	EffectiveAt time.Time `json:"effective_at"`
}

func (s *Server) toDeactivationResponse(d *account.Deactivation) *deactivationResponse {
	if d == nil {
		return nil
	}
	return &deactivationResponse{Status: d.Status, Source: d.Source, Leave: d.Leave, RequestedAt: s.at(d.RequestedAt),
		EffectiveAt: s.at(d.EffectiveAt)}
}

// cancelledResponse is DELETE /me/deactivation's reply.
type cancelledResponse struct {
	Status string `json:"status" enums:"cancelled"`
}

// requestDeactivation godoc
//
//	@Summary		Cancel the account (注销)
//	@Description	Takes effect at effective_at, 7 days from now (time to change one's mind: DELETE /me/deactivation). Then a background job revokes every session and role, ends the WeChat binding (a later login with the same WeChat account starts a new, empty user), deletes the bound phone, notifications, images, open applications (withdrawn; their forms, and those of every other application of the account, erased), data-export files, the subscription ledger, and erases the reasons of rights requests and transfers; a record that consent was given and withdrawn stays, without personal data. A member record stays on the union's roll without a user (claimable again later), unless leave is true, which also moves it to left. Audited without personal data. 201 with the new request; a second POST while one is pending answers 200 with that one unchanged. GET /me shows it under deactivation.
//	@Tags			me
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		deactivationRequest	true	"reason, leave"
//	@Success		201		{object}	Envelope[deactivationResponse]
//	@Success		200		{object}	Envelope[deactivationResponse]	"already pending"
//	@Failure		401		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"reason missing or too long"
//	@Router			/me/deactivation [post]
func (s *Server) requestDeactivation(c *gin.Context) {
	var req deactivationRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	d, created, err := s.accounts.Ask(c.Request.Context(), principal(c).UserID,
		account.Request{Reason: req.Reason, Leave: req.Leave})
	if failed(c, err) {
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	ok(c, status, s.toDeactivationResponse(d))
}

// cancelDeactivation godoc
//
//	@Summary		Withdraw a pending account cancellation
//	@Description	Only before effective_at: 404/40400 when no cancellation is pending (none asked, already cancelled, or already under way). Audited.
//	@Tags			me
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[cancelledResponse]
//	@Failure		401	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse	"nothing pending"
//	@Router			/me/deactivation [delete]
func (s *Server) cancelDeactivation(c *gin.Context) {
	if failed(c, s.accounts.Cancel(c.Request.Context(), principal(c).UserID)) {
		return
	}
	ok(c, http.StatusOK, cancelledResponse{Status: "cancelled"})
}

// myDeactivation is GET /me's deactivation: the caller's pending one, or
// nil.
func (s *Server) myDeactivation(ctx context.Context, userID int64) (*deactivationResponse, error) {
	if s.accounts == nil {
		return nil, nil
	}
	d, err := s.accounts.Pending(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.toDeactivationResponse(d), nil
}
