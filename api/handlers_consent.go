package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/codes"
)

// consentRequest gives consent: three separate items and the notice version.
type consentRequest struct {
	Version       string `json:"version" example:"2026-11"`
	PersonalInfo  *bool  `json:"personal_info"`
	SensitiveInfo *bool  `json:"sensitive_info"`
	ShareUpward   *bool  `json:"share_upward"`
}

// consentResponse is a consent record.
type consentResponse struct {
	ID            string    `json:"id"`
	Version       string    `json:"version"`
	PersonalInfo  bool      `json:"personal_info"`
	SensitiveInfo bool      `json:"sensitive_info"`
	ShareUpward   bool      `json:"share_upward"`
	GivenAt       time.Time `json:"given_at"`
}

func (s *Server) toConsentResponse(c *application.Consent) consentResponse {
	return consentResponse{ID: idString(c.ID), Version: c.Version, PersonalInfo: c.PersonalInfo,
		SensitiveInfo: c.SensitiveInfo, ShareUpward: c.ShareUpward, GivenAt: s.at(c.GivenAt)}
}

// giveConsent godoc
//
//	@Summary		Consent to the processing of personal information
//	@Description	personal_info: processing the form; sensitive_info: the ID number and ID-card images (PIPL art. 29, a separate consent); share_upward: providing the record to higher-level unions and the national system (art. 23). Each must be true or false. version must be the current privacy notice's (GET /privacy/notice), else 422 on field version. An item the current consent gives and this one refuses is a withdrawal of that item, with the effects of DELETE /me/consents: a member on the roll must leave first (409/40900, nothing recorded); an open application is withdrawn; every file the caller uploaded is deleted at once (except a photo a member on the roll still uses); and from then on the reviewer's detail of the caller's applications made before withholds the withdrawn data: personal_info the whole form, for everyone; sensitive_info the ID number and birth date, for everyone; share_upward the whole form, for federation admins above the union. Refusing an item never given withdraws nothing.
//	@Tags			consents
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		consentRequest	true	"the consent"
//	@Success		201		{object}	Envelope[consentResponse]
//	@Failure		422		{object}	ErrorResponse
//	@Router			/me/consents [post]
func (s *Server) giveConsent(c *gin.Context) {
	var req consentRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	rec, err := s.apps.GiveConsent(c.Request.Context(), principal(c).UserID, application.ConsentInput{
		Version: req.Version, PersonalInfo: req.PersonalInfo, SensitiveInfo: req.SensitiveInfo, ShareUpward: req.ShareUpward})
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, s.toConsentResponse(rec))
}

// getConsent godoc
//
//	@Summary	The caller's current consent
//	@Tags		consents
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	Envelope[consentResponse]
//	@Failure	404	{object}	ErrorResponse	"no consent given, or withdrawn"
//	@Router		/me/consents [get]
func (s *Server) getConsent(c *gin.Context) {
	rec, err := s.apps.Consent(c.Request.Context(), principal(c).UserID)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, s.toConsentResponse(rec))
}

// withdrawConsent godoc
//
//	@Summary		Withdraw consent
//	@Description	Withdraws every item at once: a member on the roll must leave first (409/40900). An open application is withdrawn; every file the caller uploaded is deleted at once and GET /uploads/{id} is 404 for everyone, owner included; the reviewer's detail of the caller's applications withholds the whole form (name masked, no ID number, phone or other field) for everyone from this moment.
//	@Tags			consents
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[Empty]
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse
//	@Router			/me/consents [delete]
func (s *Server) withdrawConsent(c *gin.Context) {
	if failed(c, s.apps.WithdrawConsent(c.Request.Context(), principal(c).UserID)) {
		return
	}
	ok(c, http.StatusOK, Empty{})
}

// dictEntry is one value of a code list.
type dictEntry struct {
	Code string `json:"code" example:"01"`
	Name string `json:"name" example:"汉族"`
}

// dictsResponse is every code list the forms use.
type dictsResponse map[string][]dictEntry

// dicts godoc
//
//	@Summary		Code lists
//	@Description	ethnicity (GB/T 3304), education (GB/T 4658), political_status (GB/T 4762), household_type, work_type, member_status, unit_type; each a list of {code, name}. Forms send the name (work_type: the code).
//	@Tags			dictionaries
//	@Produce		json
//	@Success		200	{object}	Envelope[dictsResponse]
//	@Router			/dicts [get]
func (s *Server) dicts(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	out := dictsResponse{}
	for key, entries := range codes.Dicts() {
		out[key] = items(entries, func(e codes.Entry) dictEntry { return dictEntry{Code: e.Code, Name: e.Name} })
	}
	ok(c, http.StatusOK, out)
}
