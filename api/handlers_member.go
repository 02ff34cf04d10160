package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/pii"
)

// memberResponse is a member as lists of people show it (API.md §1), in
// the roll, a member's detail and the replies of admin writes: ID number
// and phone masked; age instead of the birth date, which with the mask
// would give the ID number back; the name in full for the union's own
// chair and staff and for the member, masked for federation admins.
type memberResponse struct {
	ID              string         `json:"id"`
	MemberNo        string         `json:"member_no" example:"42010600000017"`
	OrgID           string         `json:"org_id"`
	OrgName         string         `json:"org_name"`
	Status          string         `json:"status" enums:"active,retained,suspended,left,removed,deceased"`
	Name            string         `json:"name" example:"张三"`
	IDType          string         `json:"id_type"`
	IDNumberMasked  string         `json:"id_number_masked" example:"110105********002X"`
	PhoneMasked     string         `json:"phone_masked" example:"138****8000"`
	Gender          *string        `json:"gender"`
	Age             *int           `json:"age" example:"40"`
	Ethnicity       *string        `json:"ethnicity"`
	Education       *string        `json:"education"`
	PoliticalStatus *string        `json:"political_status"`
	HouseholdType   *string        `json:"household_type"`
	Employment      employmentJSON `json:"employment"`
	JoinedOn        string         `json:"joined_on"`
	Claimed         bool           `json:"claimed"`
	Version         int            `json:"version"`
	CreatedAt       time.Time      `json:"created_at"`
}

// memberEventResponse is one line of a member's history.
type memberEventResponse struct {
	ID           string    `json:"id"`
	Type         string    `json:"type" enums:"join,transfer_in,retain,transfer_out,remove,leave,restore,suspend,death,correction,claim"`
	NationalCode *string   `json:"national_code" example:"1"`
	Reason       *string   `json:"reason"`
	FromOrgID    *string   `json:"from_org_id"`
	ToOrgID      *string   `json:"to_org_id"`
	ActorID      *string   `json:"actor_id"`
	CreatedAt    time.Time `json:"created_at"`
}

// memberPatchRequest corrects a member's record.
type memberPatchRequest struct {
	Version         *int    `json:"version"`
	Reason          string  `json:"reason" example:"身份证姓名录入有误"`
	Name            *string `json:"name"`
	Phone           *string `json:"phone"`
	Ethnicity       *string `json:"ethnicity"`
	Education       *string `json:"education"`
	PoliticalStatus *string `json:"political_status"`
	HouseholdType   *string `json:"household_type"`
	Employment      *struct {
		EmployerName       *string `json:"employer_name"`
		JobTitle           *string `json:"job_title"`
		WorkType           *string `json:"work_type"`
		IsMigrantWorker    *bool   `json:"is_migrant_worker"`
		IsDispatched       *bool   `json:"is_dispatched"`
		DispatchAgencyName *string `json:"dispatch_agency_name"`
	} `json:"employment"`
}

// memberStatusRequest moves a member to another status.
type memberStatusRequest struct {
	Status  string `json:"status" enums:"active,retained,suspended,left,removed,deceased"`
	Reason  string `json:"reason" example:"退休"`
	Version *int   `json:"version"`
}

func (s *Server) renderMembers(c *gin.Context, rows []membership.Member) ([]memberResponse, error) {
	ids := make([]int64, len(rows))
	for i, m := range rows {
		ids[i] = m.OrgID
	}
	names, err := s.scopedOrgNames(c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]memberResponse, 0, len(rows))
	for i := range rows {
		m := &rows[i]
		idNumber, phone, err := s.members.Reveal(m)
		if err != nil {
			return nil, err
		}
		r := memberResponse{ID: idString(m.ID), MemberNo: m.MemberNo, OrgID: idString(m.OrgID), OrgName: names[m.OrgID],
			Status: m.Status, Name: nameFor(c, m.OrgID, m.Name), IDType: m.IDType, IDNumberMasked: pii.MaskIDNumber(idNumber),
			Gender: m.Gender, Age: s.ageOf(m.BirthDate), Ethnicity: m.Ethnicity, Education: m.Education,
			PoliticalStatus: m.PoliticalStatus, HouseholdType: m.HouseholdType, Employment: employmentOf(m.Employment),
			JoinedOn: m.JoinedOn, Claimed: m.UserID != nil, Version: m.Version, CreatedAt: s.at(m.CreatedAt)}
		if phone != "" {
			r.PhoneMasked = pii.MaskPhone(phone)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Server) replyMember(c *gin.Context, m *membership.Member) {
	out, err := s.renderMembers(c, []membership.Member{*m})
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, out[0])
}

// listMembers godoc
//
//	@Summary		The roll
//	@Description	Members in the caller's scope, newest first. A list of people (API.md §1): ID numbers and phones masked; age (completed years on the business date), never the birth date, which with the mask would give the ID number back; name in full for the union's own chair and staff, masked for federation admins. q is an exact name or a 14-digit member number.
//	@Tags			members
//	@Produce		json
//	@Security		BearerAuth
//	@Param			org_id	query		string	false	"one union (default: the whole scope)"
//	@Param			status	query		string	false	"member status"
//	@Param			q		query		string	false	"exact name or member number"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[memberResponse]]
//	@Failure		400		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/members [get]
func (s *Server) listMembers(c *gin.Context) {
	p, orgID, good := s.adminListParams(c)
	if !good {
		return
	}
	rows, next, err := s.members.List(c.Request.Context(), scope(c), orgID, c.Query("status"), c.Query("q"), p)
	if failed(c, err) {
		return
	}
	out, err := s.renderMembers(c, rows)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[memberResponse]{Items: out, NextCursor: next})
}

// getMember godoc
//
//	@Summary		One member
//	@Description	Shown as in the roll (API.md §1, Lists of people): ID number and phone masked, age instead of the birth date, the name masked for federation admins.
//	@Tags			members
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	Envelope[memberResponse]
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/members/{id} [get]
func (s *Server) getMember(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	m, err := s.members.Get(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	s.replyMember(c, m)
}

// memberEvents godoc
//
//	@Summary		A member's history (会籍变化)
//	@Description	Newest first; national_code is the 会籍变化类型 (1 入会, 2 转入, 3 保留, 4 转出, 5 除名, 6 退会) where there is one.
//	@Tags			members
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"member id"
//	@Param			limit	query		int		false	"page size (default 20, max 100)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	Envelope[listResponse[memberEventResponse]]
//	@Failure		404		{object}	ErrorResponse
//	@Router			/admin/members/{id}/events [get]
func (s *Server) memberEvents(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.members.Events(c.Request.Context(), scope(c), id, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[memberEventResponse]{Items: items(rows, func(e membership.Event) memberEventResponse {
		return memberEventResponse{ID: idString(e.ID), Type: e.Type, NationalCode: e.NationalCode, Reason: e.Reason,
			FromOrgID: optIDString(e.FromOrgID), ToOrgID: optIDString(e.ToOrgID), ActorID: optIDString(e.ActorID), CreatedAt: s.at(e.CreatedAt)}
	}), NextCursor: next})
}

// patchMember godoc
//
//	@Summary		Correct a member's record
//	@Description	version (current) and reason are required; only the fields sent change; a correction event records it, and a member linked to a user is told in-app (kind record_changed, data: member_id, event_id, fields — the API names of the fields changed, never their values). Employment texts are one line (no control or invisible characters, no < >); reason may hold line breaks but no other control or invisible characters.
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"member id"
//	@Param			body	body		memberPatchRequest	true	"the correction"
//	@Success		200		{object}	Envelope[memberResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/members/{id} [patch]
func (s *Server) patchMember(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req memberPatchRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	corr := membership.Correction{Version: req.Version, Reason: req.Reason, Name: req.Name, Phone: req.Phone,
		Ethnicity: req.Ethnicity, Education: req.Education, PoliticalStatus: req.PoliticalStatus, HouseholdType: req.HouseholdType}
	if e := req.Employment; e != nil {
		corr.EmployerName, corr.JobTitle, corr.WorkType = e.EmployerName, e.JobTitle, e.WorkType
		corr.IsMigrantWorker, corr.IsDispatched, corr.DispatchAgencyName = e.IsMigrantWorker, e.IsDispatched, e.DispatchAgencyName
	}
	m, err := s.members.Correct(c.Request.Context(), scope(c), id, corr)
	if failed(c, err) {
		return
	}
	s.replyMember(c, m)
}

// memberStatus godoc
//
//	@Summary		Change a member's status
//	@Description	Allowed moves: among active, retained (保留会籍) and suspended; any of them to left (退会), removed (除名) or deceased — those three are final. reason is required (line breaks allowed, no other control or invisible characters). The card follows at once (suspended: not_active; restored: valid again). A member linked to a user is told in-app (kind record_changed, data: member_id, event_id, fields ["status"]).
//	@Tags			members
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"member id"
//	@Param			body	body		memberStatusRequest	true	"the move"
//	@Success		200		{object}	Envelope[memberResponse]
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/members/{id}/status [post]
func (s *Server) memberStatus(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req memberStatusRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	m, err := s.members.ChangeStatus(c.Request.Context(), scope(c), id, membership.StatusChange{Status: req.Status, Reason: req.Reason, Version: req.Version})
	if failed(c, err) {
		return
	}
	s.replyMember(c, m)
}
