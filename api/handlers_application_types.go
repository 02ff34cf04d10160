package api

import (
	"time"

	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/pii"
)

// employmentJSON is the work part of the form and of replies.
type employmentJSON struct {
	EmployerName       string `json:"employer_name,omitempty" example:"武汉光谷制造有限公司"`
	JobTitle           string `json:"job_title,omitempty" example:"装配工"`
	HiredOn            string `json:"hired_on,omitempty" example:"2024-03-01"`
	WorkType           string `json:"work_type,omitempty" enums:"stable,floating"`
	IsMigrantWorker    *bool  `json:"is_migrant_worker"`
	IsDispatched       *bool  `json:"is_dispatched"`
	DispatchAgencyName string `json:"dispatch_agency_name,omitempty"`
	DispatchAgencyUSCC string `json:"dispatch_agency_uscc,omitempty" example:"91420100MA4K0A1B6L"`
}

// applicationForm is the body of POST /applications and PUT /applications/{id}.
type applicationForm struct {
	OrgID               ID             `json:"org_id" swaggertype:"string"`
	Name                string         `json:"name" example:"张三"`
	IDType              string         `json:"id_type" enums:"resident_id,hmt_residence_permit"`
	IDNumber            string         `json:"id_number" example:"11010519491231002X"`
	Ethnicity           string         `json:"ethnicity" example:"汉族"`
	Education           string         `json:"education" example:"大学本科"`
	PoliticalStatus     string         `json:"political_status" example:"群众"`
	HouseholdType       string         `json:"household_type" example:"农业户口"`
	Employment          employmentJSON `json:"employment"`
	PhotoUploadID       ID             `json:"photo_upload_id" swaggertype:"string"`
	IDCardFrontUploadID ID             `json:"id_card_front_upload_id" swaggertype:"string"`
	IDCardBackUploadID  ID             `json:"id_card_back_upload_id" swaggertype:"string"`
	ProofUploadIDs      []ID           `json:"proof_upload_ids" swaggertype:"array,string"`
	// Submit: true submits at once (POST) or after the change (PUT)
	// instead of saving a draft.
	Submit bool `json:"submit"`
}

func (f applicationForm) form() application.Form {
	proofs := make([]int64, len(f.ProofUploadIDs))
	for i, p := range f.ProofUploadIDs {
		proofs[i] = int64(p)
	}
	e := f.Employment
	return application.Form{OrgID: int64(f.OrgID), Name: f.Name, IDType: f.IDType, IDNumber: f.IDNumber,
		Ethnicity: f.Ethnicity, Education: f.Education, PoliticalStatus: f.PoliticalStatus, HouseholdType: f.HouseholdType,
		Employment: application.EmploymentForm{EmployerName: e.EmployerName, JobTitle: e.JobTitle, HiredOn: e.HiredOn,
			WorkType: e.WorkType, IsMigrantWorker: e.IsMigrantWorker, IsDispatched: e.IsDispatched,
			DispatchAgencyName: e.DispatchAgencyName, DispatchAgencyUSCC: e.DispatchAgencyUSCC},
		PhotoUploadID: int64(f.PhotoUploadID), IDCardFrontUploadID: int64(f.IDCardFrontUploadID),
		IDCardBackUploadID: int64(f.IDCardBackUploadID), ProofUploadIDs: proofs}
}

// reviewJSON is the reviewer's word on an application.
type reviewJSON struct {
	Reason     *string    `json:"reason"`
	ReviewedAt *time.Time `json:"reviewed_at"`
}

// applicationFields are what every view of an application shows.
type applicationFields struct {
	ID                  string         `json:"id"`
	OrgID               string         `json:"org_id"`
	OrgName             string         `json:"org_name"`
	Status              string         `json:"status" enums:"draft,submitted,approved,rejected,returned,withdrawn"`
	Version             int            `json:"version"`
	Name                string         `json:"name"`
	IDType              string         `json:"id_type"`
	IDNumberMasked      string         `json:"id_number_masked" example:"110105********002X"`
	PhoneMasked         string         `json:"phone_masked" example:"138****8000"`
	Gender              *string        `json:"gender" enums:"male,female"`
	Ethnicity           *string        `json:"ethnicity"`
	Education           *string        `json:"education"`
	PoliticalStatus     *string        `json:"political_status"`
	HouseholdType       *string        `json:"household_type"`
	Employment          employmentJSON `json:"employment"`
	PhotoUploadID       *string        `json:"photo_upload_id"`
	IDCardFrontUploadID *string        `json:"id_card_front_upload_id"`
	IDCardBackUploadID  *string        `json:"id_card_back_upload_id"`
	ProofUploadIDs      []string       `json:"proof_upload_ids"`
	Review              *reviewJSON    `json:"review"`
	MemberID            *string        `json:"member_id"`
	CreatedAt           time.Time      `json:"created_at"`
	SubmittedAt         *time.Time     `json:"submitted_at"`
	// DueOn is the review deadline of the latest submission (API.md §11):
	// its date plus 15 working days.
	DueOn *string `json:"due_on" example:"2026-10-23"`
	// Overdue: still submitted after DueOn.
	Overdue bool `json:"overdue"`
}

// applicationResponse is an application as its applicant sees it: the ID
// number and phone masked, and the applicant's own birth date.
type applicationResponse struct {
	applicationFields
	BirthDate *string `json:"birth_date" example:"1949-12-31"`
}

// applicationDetailResponse is the applicant's own application with its
// timeline (API.md §11).
type applicationDetailResponse struct {
	applicationResponse
	// Timeline lists every move of the application, oldest first.
	Timeline []timelineEntry `json:"timeline"`
}

// timelineEntry is one move of an application: where it was afterwards
// and the reason a reviewer or assigner gave.
type timelineEntry struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind" enums:"submitted,assigned,returned,resubmitted,approved,rejected,withdrawn"`
	OrgName string    `json:"org_name"`
	Note    *string   `json:"note"`
}

// adminApplication is an application in the reply of an admin's decision,
// shown as lists of people show a person (API.md §1): the ID number and
// phone masked, the age instead of the birth date (which would give the
// masked digits back), the name in full only for the union's own chair and
// staff.
type adminApplication struct {
	applicationFields
	Age *int `json:"age" example:"36"`
}

// applicationDetail is the reviewer's detail view: everything, the ID
// number and phone in clear (each such read is audited), but for what is
// withheld (toApplicationDetail).
type applicationDetail struct {
	applicationResponse
	UserID   string  `json:"user_id"`
	IDNumber *string `json:"id_number" example:"11010519491231002X"`
	Phone    *string `json:"phone" example:"13800138000"`
	Flagged  bool    `json:"flagged"`
	// Escalated: overdue and reported to the parent federation's admins.
	Escalated bool `json:"escalated"`
	// Withheld names the fields not shown in clear; WithheldReason says why.
	Withheld       []string `json:"withheld"`
	WithheldReason *string  `json:"withheld_reason" enums:"consent_withdrawn,share_upward_withdrawn,transferred"`
	// CanAssign: the caller may assign it to a union now (as in the queue).
	CanAssign bool `json:"can_assign"`
}

// applicationListItem is a row of the review queue (API.md §1, Lists of
// people): the ID number masked, the age instead of the birth date, name
// in full only for the union's own chair and staff (masked for federation
// admins); name_masked is always masked.
type applicationListItem struct {
	ID              string     `json:"id"`
	OrgID           string     `json:"org_id"`
	OrgName         string     `json:"org_name"`
	Status          string     `json:"status"`
	Version         int        `json:"version"`
	Name            string     `json:"name" example:"张三"`
	NameMasked      string     `json:"name_masked" example:"张*"`
	IDNumberMasked  string     `json:"id_number_masked"`
	Gender          *string    `json:"gender"`
	Age             *int       `json:"age" example:"36"`
	WorkType        *string    `json:"work_type"`
	IsMigrantWorker bool       `json:"is_migrant_worker"`
	IsDispatched    bool       `json:"is_dispatched"`
	Flagged         bool       `json:"flagged"`
	CreatedAt       time.Time  `json:"created_at"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	DueOn           *string    `json:"due_on" example:"2026-10-23"`
	Overdue         bool       `json:"overdue"`
	// Escalated: overdue and reported to the parent federation's admins.
	Escalated bool `json:"escalated"`
	// CanAssign: the caller may assign it to a union now (转派): it is
	// submitted, sits at an intake point (a federation org) or was
	// escalated once overdue, and the caller is a federation admin whose
	// scope holds its org.
	CanAssign bool `json:"can_assign"`
}

func employmentOf(e application.Employment) employmentJSON {
	mig, dis := e.IsMigrantWorker, e.IsDispatched
	return employmentJSON{EmployerName: deref(e.EmployerName), JobTitle: deref(e.JobTitle), HiredOn: deref(e.HiredOn),
		WorkType: deref(e.WorkType), IsMigrantWorker: &mig, IsDispatched: &dis,
		DispatchAgencyName: deref(e.DispatchAgencyName), DispatchAgencyUSCC: deref(e.DispatchAgencyUSCC)}
}

func (s *Server) toApplicationFields(a *application.Application, orgName, idNumber, phone string) applicationFields {
	r := applicationFields{ID: idString(a.ID), OrgID: idString(a.OrgID), OrgName: orgName, Status: a.Status,
		Version: a.Version, Name: a.Name, IDType: a.IDType, Gender: a.Gender,
		Ethnicity: a.Ethnicity, Education: a.Education, PoliticalStatus: a.PoliticalStatus,
		HouseholdType: a.HouseholdType, Employment: employmentOf(a.Employment),
		PhotoUploadID: optIDString(a.PhotoUploadID), IDCardFrontUploadID: optIDString(a.IDCardFrontUploadID),
		IDCardBackUploadID: optIDString(a.IDCardBackUploadID), ProofUploadIDs: []string{},
		MemberID: optIDString(a.MemberID), CreatedAt: s.at(a.CreatedAt), SubmittedAt: s.atp(a.SubmittedAt),
		DueOn: a.DueOn, Overdue: s.apps.Overdue(a)}
	if idNumber != "" {
		r.IDNumberMasked = pii.MaskIDNumber(idNumber)
	}
	if phone != "" {
		r.PhoneMasked = pii.MaskPhone(phone)
	}
	for _, id := range application.ParseProofList(a.ProofUploadIDs) {
		r.ProofUploadIDs = append(r.ProofUploadIDs, idString(id))
	}
	if a.ReviewedAt != nil {
		r.Review = &reviewJSON{Reason: a.ReviewReason, ReviewedAt: s.atp(a.ReviewedAt)}
	}
	return r
}

func (s *Server) toApplicationResponse(a *application.Application, orgName, idNumber, phone string) applicationResponse {
	return applicationResponse{applicationFields: s.toApplicationFields(a, orgName, idNumber, phone), BirthDate: a.BirthDate}
}

func optIDString(p *int64) *string {
	if p == nil {
		return nil
	}
	s := idString(*p)
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
