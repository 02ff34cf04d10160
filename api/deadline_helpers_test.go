package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// beijing is the business time zone of the tests' dates.
var beijing = time.FixedZone("CST", 8*3600)

// onDay returns hour o'clock, Beijing time, of day (YYYY-MM-DD).
func onDay(t *testing.T, day string, hour int) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, beijing)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

// set moves the test clock to at.
func (c *clock) set(at time.Time) {
	c.mu.Lock()
	c.now = at
	c.mu.Unlock()
}

// renew refreshes s's tokens after the clock moved past its access token.
func (e *testEnv) renew(s *session) {
	e.t.Helper()
	var r refreshed
	e.refresh(e.t, s.Refresh).expect(e.t, 200, 0).decode(e.t, &r)
	s.Access, s.Refresh = r.AccessToken, r.RefreshToken
}

// dueView is the deadline part of an application in any reply.
type dueView struct {
	ID        string  `json:"id"`
	Status    string  `json:"status"`
	Version   int     `json:"version"`
	DueOn     *string `json:"due_on"`
	Overdue   bool    `json:"overdue"`
	Escalated bool    `json:"escalated"`
}

// queue lists the review queue with query as token sees it, following
// next_cursor to the end.
func (e *testEnv) queue(token string, query url.Values) []dueView {
	e.t.Helper()
	var out []dueView
	for {
		var page struct {
			Items      []dueView `json:"items"`
			NextCursor *string   `json:"next_cursor"`
		}
		e.do("GET", "/api/v1/admin/applications?"+query.Encode(), nil, token).expect(e.t, 200, 0).decode(e.t, &page)
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out
		}
		query.Set("cursor", *page.NextCursor)
	}
}

func ids(vs []dueView) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

// deadlineNotices returns how many notices of each deadline kind s has.
func (e *testEnv) deadlineNotices(s session) map[string]int {
	e.t.Helper()
	var page notificationPage
	e.do("GET", "/api/v1/me/notifications?limit=100", nil, s.Access).expect(e.t, 200, 0).decode(e.t, &page)
	out := map[string]int{}
	for _, n := range page.Items {
		switch n.Kind {
		case "application_due_soon", "application_due_today", "application_overdue":
			out[n.Kind]++
		}
	}
	return out
}

func hourOf(h int) time.Duration { return time.Duration(h) * time.Hour }

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// days prints an optional number of days.
func days(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
