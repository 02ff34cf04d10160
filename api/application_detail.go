package api

import (
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/pii"
)

// toApplicationDetail builds the reviewer's detail from the applicant's
// view r, leaving out in clear what w withholds: with Sensitive, the ID
// number and the birth date (which gives back the mask's hidden digits)
// and the ID-card images; with Form, also the name (masked), the phone
// and every other field of the form and its files.
func toApplicationDetail(r applicationResponse, a *application.Application, idNumber, phone string, w application.Withheld) applicationDetail {
	d := applicationDetail{applicationResponse: r, UserID: idString(a.UserID), Flagged: a.Flagged,
		Escalated: a.EscalatedAt != nil, Withheld: []string{}}
	if idNumber != "" {
		d.IDNumber = &idNumber
	}
	if phone != "" {
		d.Phone = &phone
	}
	if w.Sensitive {
		d.IDNumber, d.BirthDate, d.IDCardFrontUploadID, d.IDCardBackUploadID = nil, nil, nil, nil
		d.Withheld = append(d.Withheld, "id_number", "birth_date", "id_card_front_upload_id", "id_card_back_upload_id")
	}
	if w.Form {
		d.Name = pii.MaskName(a.Name)
		d.Phone, d.Ethnicity, d.Education, d.PoliticalStatus, d.HouseholdType = nil, nil, nil, nil, nil
		d.Employment = employmentJSON{}
		d.PhotoUploadID, d.ProofUploadIDs = nil, []string{}
		d.Withheld = append(d.Withheld, "name", "phone", "ethnicity", "education", "political_status", "household_type",
			"employment", "photo_upload_id", "proof_upload_ids")
	}
	if w.Any() {
		d.WithheldReason = &w.Reason
	}
	return d
}
