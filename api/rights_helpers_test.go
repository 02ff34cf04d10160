package api_test

import (
	"net/url"
	"time"
)

// rightsView is a correction request or dispute as the API shows it.
type rightsView struct {
	ID             string         `json:"id"`
	Kind           string         `json:"kind"`
	Status         string         `json:"status"`
	Version        int            `json:"version"`
	OrgID          string         `json:"org_id"`
	OrgName        string         `json:"org_name"`
	MemberID       *string        `json:"member_id"`
	ApplicationID  *string        `json:"application_id"`
	Name           *string        `json:"name"`
	Fields         []string       `json:"fields"`
	Requested      map[string]any `json:"requested"`
	EventID        *string        `json:"event_id"`
	Reason         string         `json:"reason"`
	DueOn          string         `json:"due_on"`
	Overdue        bool           `json:"overdue"`
	DecisionReason *string        `json:"decision_reason"`
	DecidedAt      *time.Time     `json:"decided_at"`
}

// rightsRequest has a fresh member of org ask for a correction.
func (tr *tree) rightsRequest(org string) rightsView {
	tr.e.t.Helper()
	m := tr.member(org)
	var v rightsView
	tr.e.do("POST", "/api/v1/me/correction-requests", map[string]any{"kind": "correction",
		"fields": map[string]any{"education": "大学专科"}, "reason": "学历登记有误"}, m.Access).
		expect(tr.e.t, 201, 0).decode(tr.e.t, &v)
	return v
}

// rightsList lists the rights requests with query as token sees them,
// following next_cursor to the end.
func (e *testEnv) rightsList(token string, query url.Values) []rightsView {
	e.t.Helper()
	var out []rightsView
	for {
		var page struct {
			Items      []rightsView `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		e.do("GET", "/api/v1/admin/rights-requests?"+query.Encode(), nil, token).expect(e.t, 200, 0).decode(e.t, &page)
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out
		}
		query.Set("cursor", *page.NextCursor)
	}
}
