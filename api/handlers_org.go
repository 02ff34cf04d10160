package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/org"
)

// orgRequest is the body of POST and PATCH /admin/orgs.
type orgRequest struct {
	ParentID            json.RawMessage `json:"parent_id" swaggertype:"string" example:"384515783190089728"`
	Name                *string         `json:"name" example:"某某公司工会委员会"`
	Type                *string         `json:"type" enums:"federation,grassroots"`
	RegionCode          *string         `json:"region_code" example:"420106"`
	UnionKind           *string         `json:"union_kind" enums:"single,joint"`
	UnitName            *string         `json:"unit_name" example:"某某有限公司"`
	USCC                *string         `json:"uscc" example:"91420100MA4K0A1B6L"`
	UnitType            *string         `json:"unit_type" example:"enterprise"`
	IndustryCode        *string         `json:"industry_code" example:"C3911"`
	Address             *string         `json:"address"`
	WorkerCount         *int            `json:"worker_count" example:"350"`
	AcceptsApplications *bool           `json:"accepts_applications"`
	// Status: PATCH only, federation admins only: "dissolved" dissolves.
	Status *string `json:"status" enums:"active,dissolved"`
	// MembersTo: PATCH with status "dissolved" only: the grassroots union
	// (in the caller's scope, active, taking members) that the members on
	// the roll move to.
	MembersTo json.RawMessage `json:"members_to" swaggertype:"string" example:"384515783190089729"`
	// Version: PATCH only; when given it must be the current one (else 409/40900).
	Version *int `json:"version"`
}

func (r orgRequest) input() org.Input {
	return org.Input{Name: r.Name, Type: r.Type, RegionCode: r.RegionCode, UnionKind: r.UnionKind,
		UnitName: r.UnitName, USCC: r.USCC, UnitType: r.UnitType, IndustryCode: r.IndustryCode,
		Address: r.Address, WorkerCount: r.WorkerCount, AcceptsApplications: r.AcceptsApplications, Status: r.Status}
}

// orgResponse is an org as admins see it.
type orgResponse struct {
	ID                  string    `json:"id"`
	ParentID            *string   `json:"parent_id"`
	Depth               int       `json:"depth"`
	Type                string    `json:"type" enums:"federation,grassroots"`
	UnionKind           *string   `json:"union_kind" enums:"single,joint"`
	Name                string    `json:"name"`
	RegionCode          string    `json:"region_code"`
	UnitName            *string   `json:"unit_name"`
	USCC                *string   `json:"uscc"`
	UnitType            *string   `json:"unit_type"`
	IndustryCode        *string   `json:"industry_code"`
	Address             *string   `json:"address"`
	WorkerCount         int       `json:"worker_count"`
	AcceptsApplications bool      `json:"accepts_applications"`
	Status              string    `json:"status" enums:"active,dissolving,dissolved"`
	Version             int       `json:"version"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
	// JoinQRCodeURL is GET /admin/orgs/{id}/join-qrcode for an active
	// grassroots union (absolute under UNIONHUB_PUBLIC_BASE_URL), else null.
	JoinQRCodeURL *string `json:"join_qrcode_url"`
	// Dissolution: while status is dissolving (GET and PATCH of one org),
	// where the moving of its members stands; null otherwise and in lists.
	Dissolution *dissolutionResponse `json:"dissolution"`
}

// dissolutionResponse is where a dissolving union's members stand.
type dissolutionResponse struct {
	// JobID is null, and Status "stopped", when no job runs any more (it
	// failed): PATCH status "dissolved" with members_to again to resume.
	JobID   *string `json:"job_id"`
	Status  string  `json:"status" enums:"pending,running,stopped"`
	ToOrgID *string `json:"to_org_id"`
	// Total: members on the roll when the dissolution was asked; Moved:
	// moved so far; Remaining: still on the roll.
	Total     int64 `json:"total"`
	Moved     int64 `json:"moved"`
	Remaining int64 `json:"remaining"`
	// Submitted applications to the union and pending transfers into it,
	// rejected with a reason (the applicant or member is told).
	ApplicationsRejected int64 `json:"applications_rejected"`
	TransfersRejected    int64 `json:"transfers_rejected"`
}

func toDissolution(d *org.Dissolution) *dissolutionResponse {
	if d == nil {
		return nil
	}
	r := &dissolutionResponse{Status: d.Status, Total: d.Total, Moved: d.Moved, Remaining: d.Remaining,
		ApplicationsRejected: d.Applications, TransfersRejected: d.Transfers}
	if d.JobID != 0 {
		job, to := idString(d.JobID), idString(d.To)
		r.JobID, r.ToOrgID = &job, &to
	}
	return r
}

// withDissolution is the org's reply with its dissolution, when dissolving.
func (s *Server) withDissolution(c *gin.Context, o *org.Org) (orgResponse, error) {
	r := s.toOrgResponse(*o)
	d, err := s.orgs.Dissolution(c.Request.Context(), o)
	r.Dissolution = toDissolution(d)
	return r, err
}

// publicOrgResponse is the public profile of an org: no internal fields.
type publicOrgResponse struct {
	ID                  string  `json:"id"`
	Name                string  `json:"name"`
	Type                string  `json:"type" enums:"federation,grassroots"`
	UnionKind           *string `json:"union_kind" enums:"single,joint"`
	UnitName            *string `json:"unit_name"`
	RegionCode          string  `json:"region_code"`
	Address             *string `json:"address"`
	AcceptsApplications bool    `json:"accepts_applications"`
	Status              string  `json:"status" enums:"active,dissolving,dissolved"`
}

// searchItem is one search hit.
type searchItem struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	UnitName   *string `json:"unit_name"`
	RegionCode string  `json:"region_code"`
	Address    *string `json:"address"`
	// Intake: an intake point (a federation taking applications from
	// workers whose employer has no union), listed with intake=true.
	Intake bool `json:"intake"`
}

func (s *Server) toOrgResponse(o org.Org) orgResponse {
	r := orgResponse{ID: idString(o.ID), Depth: o.Depth, Type: o.Type, UnionKind: o.UnionKind, Name: o.Name,
		RegionCode: o.RegionCode, UnitName: o.UnitName, USCC: o.USCC, UnitType: o.UnitType,
		IndustryCode: o.IndustryCode, Address: o.Address, WorkerCount: o.WorkerCount,
		AcceptsApplications: o.AcceptsApplications, Status: o.Status, Version: o.Version,
		CreatedAt: s.at(o.CreatedAt), UpdatedAt: s.at(o.UpdatedAt)}
	if o.ParentID != nil {
		p := idString(*o.ParentID)
		r.ParentID = &p
	}
	if o.Type == org.TypeGrassroots && o.Status == org.StatusActive {
		u := s.link("/admin/orgs/" + r.ID + "/join-qrcode")
		r.JoinQRCodeURL = &u
	}
	return r
}

func toPublicOrg(o *org.Org) publicOrgResponse {
	return publicOrgResponse{ID: idString(o.ID), Name: o.Name, Type: o.Type, UnionKind: o.UnionKind,
		UnitName: o.UnitName, RegionCode: o.RegionCode, Address: o.Address,
		AcceptsApplications: o.AcceptsApplications && o.Status == org.StatusActive, Status: o.Status}
}

// createOrg godoc
//
//	@Summary		Create a child org
//	@Description	federation_admin of an ancestor. A single (单独建会) grassroots union needs unit_name and uscc (GB 32100 check character); a joint one (联合基层工会) only a name. accepts_applications defaults to true for a grassroots union and to false for a federation; true makes a federation an intake point (属地入会, API.md §11): workers whose employer has no union apply to it and its admins assign the applications to unions. name, unit_name and address are one line each: line breaks, tabs and other control characters, invisible format characters (zero-width, bidi controls) and < > are refused. Every bad field is listed in details (422/40001).
//	@Tags			orgs
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		orgRequest	true	"the org"
//	@Success		201		{object}	Envelope[orgResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/orgs [post]
func (s *Server) createOrg(c *gin.Context) {
	var req orgRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	var parent ID
	if len(req.ParentID) > 0 {
		if err := json.Unmarshal(req.ParentID, &parent); err != nil {
			bad := []service.FieldError{{Field: "parent_id", Message: "上级组织编号无效"}}
			fail(c, service.Invalid(append(bad, org.CheckNew(req.input())...)))
			return
		}
	}
	o, err := s.orgs.Create(c.Request.Context(), scope(c), int64(parent), req.input())
	if failed(c, err) {
		return
	}
	ok(c, http.StatusCreated, s.toOrgResponse(*o))
}

// getOrg godoc
//
//	@Summary		An org in the caller's scope
//	@Description	A union being dissolved (status dissolving) carries dissolution: its job and how many members have moved.
//	@Tags			orgs
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"org id"
//	@Success	200	{object}	Envelope[orgResponse]
//	@Failure	403	{object}	ErrorResponse
//	@Failure	404	{object}	ErrorResponse	"not found or outside the scope"
//	@Router		/admin/orgs/{id} [get]
func (s *Server) getOrg(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	o, err := s.orgs.Get(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	r, err := s.withDissolution(c, o)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, r)
}

// updateOrg godoc
//
//	@Summary		Edit an org's profile
//	@Description	Only the fields sent change, checked as on creation (name, unit_name, address: one line, no control or invisible characters, no < >). accepts_applications on a federation makes it an intake point (true) or not (false); a change of type without it takes the new type's default (grassroots true, federation false). parent_id is refused (422): moving an org is not an edit; it is reported with every other bad field of the body (a malformed members_to too). Changing type or status (dissolving) needs a federation admin (403 for a chair); an org with live children cannot be dissolved (409/40900). A stale version is 409/40900.
//	@Description	A grassroots union with members on the roll (active, retained, suspended) is dissolved with "status":"dissolved" and "members_to": another grassroots union in the caller's scope (404 outside it) that is active and takes members (else 422 on members_to); without members_to it is 409/40900. The reply is then 202 with the union in status dissolving and its dissolution (job_id, total, moved): a background job moves the members in batches, each as an approved transfer (转出 and 转入 events, member number and history kept, counters of both unions, the member told with a record_changed notice), rejects the submitted applications to the union and the pending transfers into it with a reason (applicant or member told; a member's own pending transfer out follows the member), and then dissolves the union. It survives a node dying midway. GET /admin/orgs/{id} shows the progress. While dissolving the union takes no applications, approvals or transfers in (409), and its type or status cannot change (409); PATCH status dissolved with members_to again resumes a dissolution whose job stopped (dissolution.status "stopped"). A union another dissolution moves members into, or one an import is filling, cannot be dissolved meanwhile (409).
//	@Tags			orgs
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string		true	"org id"
//	@Param			body	body		orgRequest	true	"fields to change"
//	@Success		200		{object}	Envelope[orgResponse]
//	@Success		202		{object}	Envelope[orgResponse]	"dissolving: its members are moving to members_to"
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Router			/admin/orgs/{id} [patch]
func (s *Server) updateOrg(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	var req orgRequest
	if failed(c, readJSON(c, &req)) {
		return
	}
	in := req.input()
	var bad []service.FieldError // refused here; reported with the others
	if len(req.ParentID) > 0 {
		bad = append(bad, service.FieldError{Field: "parent_id", Message: "不能通过修改资料移动组织"})
	}
	if len(req.MembersTo) > 0 {
		var to ID
		if err := json.Unmarshal(req.MembersTo, &to); err != nil {
			bad = append(bad, service.FieldError{Field: "members_to", Message: "转入工会编号无效"})
		}
		in.MembersTo = int64(to)
	}
	if len(bad) > 0 {
		fail(c, service.Invalid(append(bad, org.CheckFields(in)...)))
		return
	}
	o, err := s.orgs.Update(c.Request.Context(), scope(c), id, req.Version, in)
	if failed(c, err) {
		return
	}
	r, err := s.withDissolution(c, o)
	if failed(c, err) {
		return
	}
	status := http.StatusOK
	if o.Status == org.StatusDissolving && req.Status != nil && *req.Status == org.StatusDissolved {
		status = http.StatusAccepted
	}
	ok(c, status, r)
}

// orgChildren godoc
//
//	@Summary	The children of an org, newest first
//	@Tags		orgs
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"org id"
//	@Param		limit	query		int		false	"page size (default 20, max 100)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	Envelope[listResponse[orgResponse]]
//	@Failure	404		{object}	ErrorResponse
//	@Router		/admin/orgs/{id}/children [get]
func (s *Server) orgChildren(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	rows, next, err := s.orgs.Children(c.Request.Context(), scope(c), id, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[orgResponse]{Items: items(rows, s.toOrgResponse), NextCursor: next})
}

// joinQRCode godoc
//
//	@Summary		A union's join code (mini-program code)
//	@Description	The image bytes as WeChat returns them (usually image/jpeg), made by getwxacodeunlimit with scene "o=<org id in base 36>" for page pages/join/index, and cached so the paid call is made once per union. A dissolved union has none (409).
//	@Tags			orgs
//	@Produce		image/jpeg
//	@Security		BearerAuth
//	@Param			id	path		string	true	"org id"
//	@Success		200	{file}		binary
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse
//	@Failure		502	{object}	ErrorResponse
//	@Router			/admin/orgs/{id}/join-qrcode [get]
func (s *Server) joinQRCode(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	img, ct, err := s.orgs.JoinQRCode(c.Request.Context(), scope(c), id)
	if failed(c, err) {
		return
	}
	c.Header("Cache-Control", "private, max-age=86400")
	c.Data(http.StatusOK, ct, img)
}

// searchOrgs godoc
//
//	@Summary		Find a grassroots union or an intake point to apply to
//	@Description	Grassroots unions that accept applications, by a substring of the name or unit name (q) and a region code prefix (region_code, e.g. 4201 for a city), newest first. With intake=true, the intake points instead (属地入会: federations that accept applications from workers whose employer has no union, and assign them to a union), each with "intake":true; without it every item has "intake":false.
//	@Tags			orgs
//	@Produce		json
//	@Security		BearerAuth
//	@Param			intake		query		bool	false	"true: list intake points instead of unions"
//	@Param			q			query		string	false	"substring of name or unit name"
//	@Param			region_code	query		string	false	"region code prefix (digits)"
//	@Param			limit		query		int		false	"page size (default 20, max 100)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	Envelope[listResponse[searchItem]]
//	@Failure		400			{object}	ErrorResponse
//	@Router			/orgs/search [get]
func (s *Server) searchOrgs(c *gin.Context) {
	p, err := pageParams(c)
	if failed(c, err) {
		return
	}
	f := org.SearchFilter{Query: c.Query("q"), RegionCode: c.Query("region_code")}
	switch c.Query("intake") {
	case "", "false":
	case "true":
		f.Intake = true
	default:
		fail(c, malformed("参数 intake 应为 true 或 false"))
		return
	}
	for _, r := range f.RegionCode {
		if r < '0' || r > '9' || len(f.RegionCode) > 6 {
			fail(c, malformed("参数 region_code 应为不超过6位的数字"))
			return
		}
	}
	if len([]rune(f.Query)) > 50 {
		fail(c, malformed("搜索词不能超过50个字"))
		return
	}
	rows, next, err := s.orgs.Search(c.Request.Context(), f, p)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, listResponse[searchItem]{Items: items(rows, func(o org.Org) searchItem {
		return searchItem{ID: idString(o.ID), Name: o.Name, UnitName: o.UnitName, RegionCode: o.RegionCode, Address: o.Address,
			Intake: o.Type == org.TypeFederation}
	}), NextCursor: next})
}

// publicOrg godoc
//
//	@Summary		An org's public profile
//	@Description	What a worker sees before applying, e.g. after scanning a join code. accepts_applications is false for a dissolved union.
//	@Tags			orgs
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"org id"
//	@Success		200	{object}	Envelope[publicOrgResponse]
//	@Failure		404	{object}	ErrorResponse
//	@Router			/orgs/{id} [get]
func (s *Server) publicOrg(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	o, err := s.orgs.PublicGet(c.Request.Context(), id)
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, toPublicOrg(o))
}
