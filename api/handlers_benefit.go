package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/card"
)

// benefitRequest is a new benefit (普惠服务项目).
type benefitRequest struct {
	OrgID       ID     `json:"org_id" swaggertype:"string"`
	Title       string `json:"title" example:"职工体检优惠"`
	Description string `json:"description" example:"凭电子会员卡享受体检套餐八折"`
	StartsOn    string `json:"starts_on" example:"2026-12-01"`
	EndsOn      string `json:"ends_on" example:"2026-12-31"`
	// PerMemberLimit is how many times one member may redeem it; null or
	// absent means no limit.
	PerMemberLimit *int `json:"per_member_limit" example:"2"`
}

// benefitResponse is a benefit.
type benefitResponse struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"org_id"`
	OrgName        string    `json:"org_name"`
	Title          string    `json:"title"`
	Description    string    `json:"description"`
	StartsOn       string    `json:"starts_on" example:"2026-12-01"`
	EndsOn         string    `json:"ends_on" example:"2026-12-31"`
	PerMemberLimit *int      `json:"per_member_limit"`
	CreatedAt      time.Time `json:"created_at"`
}

// adminBenefitResponse is a benefit in an admin's list, with its use.
type adminBenefitResponse struct {
	benefitResponse
	// RedemptionCount is how many times the benefit was redeemed at a
	// counter, by all members together; a retried redemption (the same
	// card token again) counts once.
	RedemptionCount int64 `json:"redemption_count" example:"42"`
}

func (s *Server) toAdminBenefitResponse(b card.ListedBenefit) adminBenefitResponse {
	return adminBenefitResponse{benefitResponse: s.toBenefitResponse(b.Benefit), RedemptionCount: b.Redemptions}
}

func (s *Server) toBenefitResponse(b card.Benefit) benefitResponse {
	return benefitResponse{ID: idString(b.ID), OrgID: idString(b.OrgID), OrgName: b.OrgName, Title: b.Title,
		Description: b.Description, StartsOn: b.StartsOn, EndsOn: b.EndsOn, PerMemberLimit: b.PerMemberLimit,
		CreatedAt: s.at(b.CreatedAt)}
}

// createBenefit godoc
//
//	@Summary		Publish a benefit
//	@Description	For an org in the caller's scope (federation_admin: subtree; union_chair: own union; 404 outside). The benefit is open to the members of the org's whole subtree from starts_on to ends_on (business dates, both included). title is one line (no control or invisible characters, no < >); description may hold line breaks but no other control or invisible characters. 422 names every bad field.
//	@Tags			benefits
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		benefitRequest	true	"the benefit"
//	@Success		201		{object}	Envelope[benefitResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/benefits [post]
func (s *Server) createBenefit(c *gin.Context) {
	var req benefitRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	b, err := s.cards.CreateBenefit(c.Request.Context(), scope(c), card.BenefitInput{OrgID: int64(req.OrgID),
		Title: req.Title, Description: req.Description, StartsOn: req.StartsOn, EndsOn: req.EndsOn,
		PerMemberLimit: req.PerMemberLimit})
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, s.toBenefitResponse(*b))
}

// listBenefits godoc
//
//	@Summary		Benefits in my scope
//	@Description	Benefits offered by the orgs in the caller's scope, or by one of them (org_id; 404 outside the scope), newest first. Each carries redemption_count: how many redemptions were recorded at counters, all members together (a retried token counts once). How many distinct members redeemed is not given: counting them would read every redemption row of the page's benefits.
//	@Tags			benefits
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one org (default: the whole scope)"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[adminBenefitResponse]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/benefits [get]
func (s *Server) listBenefits(c *gin.Context) {
	p, orgID, err := listQuery(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.cards.Benefits(c.Request.Context(), scope(c), orgID, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[adminBenefitResponse]{Items: items(rows, s.toAdminBenefitResponse), NextCursor: next})
}

// memberBenefits godoc
//
//	@Summary		Benefits open to me
//	@Description	For a member on the roll (404 otherwise): the benefits offered by the member's union or any ancestor of it that run today (business time zone), newest first.
//	@Tags			benefits
//	@Produce		json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[benefitResponse]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/benefits [get]
func (s *Server) memberBenefits(c *gin.Context) {
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.cards.OpenBenefits(c.Request.Context(), principal(c).UserID, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[benefitResponse]{Items: items(rows, s.toBenefitResponse), NextCursor: next})
}
