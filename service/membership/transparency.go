package membership

import (
	"context"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/application"
)

// KindRecordChanged is the notification a user gets when an admin changes
// the member record linked to them (API.md §10, transparency).
const KindRecordChanged = "record_changed"

// apiFields names the member columns a correction writes as the API does
// (PATCH /admin/members/{id}), for notices that name the fields changed.
var apiFields = map[string]string{
	"name": "name", "phone_enc": "phone", "ethnicity": "ethnicity", "education": "education",
	"political_status": "political_status", "household_type": "household_type",
	"work_type": "employment.work_type", "employer_name": "employment.employer_name",
	"job_title": "employment.job_title", "dispatch_agency_name": "employment.dispatch_agency_name",
	"is_migrant_worker": "employment.is_migrant_worker", "is_dispatched": "employment.is_dispatched",
}

// fieldNames returns the API names of the columns cols.
func fieldNames(cols []string) []string {
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		if f, ok := apiFields[c]; ok {
			out = append(out, f)
		} else {
			out = append(out, c)
		}
	}
	return out
}

// tellRecordChanged tells the user linked to m (none: nothing to tell) that
// an admin changed the record: which fields, never their values, and the
// event that records it, which a not_me request can cite. It runs in the
// change's transaction, so the notice exists exactly when the change does.
func (s *Service) tellRecordChanged(ctx context.Context, m *model.Member, eventID int64, fields []string, body string) error {
	if m.UserID == nil {
		return nil
	}
	return s.notify(ctx, application.Notice{UserID: *m.UserID, Kind: KindRecordChanged, Title: "您的会员信息有变更",
		Body: body + "如非本人所知或有误，可在“我的”中提出异议。",
		Data: map[string]any{"member_id": itoa(m.ID), "event_id": itoa(eventID), "fields": fields}})
}
