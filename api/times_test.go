package api_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRepliesCarryBusinessTimes: every time in every reply is RFC 3339 in
// the business time zone with its offset, in whole seconds (API.md §1),
// whatever zone the database or the clock handed it over in. A broad walk
// through the API (orgs, roles, invitations, applications, decisions,
// members and their events, transfers, notifications, consents, benefits,
// redemptions, the card, exports, the audit log) collects the replies; the
// test then checks every string in them that looks like a time.
func TestRepliesCarryBusinessTimes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, e *testEnv) {
		e.clock.Advance(123456789 * time.Nanosecond) // a clock with a fraction of a second
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		tr.application(tr.u1)
		returned := tr.application(tr.u1)
		e.do("POST", "/api/v1/admin/applications/"+returned.ID+"/return",
			map[string]any{"version": returned.Version, "reason": "照片不清晰"}, tr.chair1.Access).expect(t, 200, 0)
		tr.transfer(tr.u1)
		benefit := e.newBenefit(tr.chair1, tr.u1, 3)
		e.verifyCard(tr.verif1, e.cardToken(m.session), benefit).expect(t, 200, 0)
		e.runExport(tr.rootAdmin, tr.u1, "xlsx")

		for _, r := range []struct {
			path string
			who  session
		}{
			{"/api/v1/admin/orgs/" + tr.u1, tr.rootAdmin},
			{"/api/v1/admin/orgs/" + tr.c1 + "/children", tr.rootAdmin},
			{"/api/v1/admin/roles?org_id=" + tr.u1, tr.rootAdmin},
			{"/api/v1/admin/applications?org_id=" + tr.u1, tr.chair1},
			{"/api/v1/admin/applications/" + returned.ID, tr.chair1},
			{"/api/v1/admin/members?org_id=" + tr.u1, tr.chair1},
			{"/api/v1/admin/members/" + m.MemberID, tr.chair1},
			{"/api/v1/admin/members/" + m.MemberID + "/events", tr.chair1},
			{"/api/v1/admin/transfers?org_id=" + tr.u1, tr.chair1},
			{"/api/v1/admin/benefits?org_id=" + tr.u1, tr.chair1},
			{"/api/v1/admin/audit-logs?org_id=" + tr.root, tr.rootAdmin},
			{"/api/v1/applications/mine", m.session},
			{"/api/v1/me", m.session},
			{"/api/v1/me/consents", m.session},
			{"/api/v1/me/notifications", m.session},
			{"/api/v1/me/card", m.session},
			{"/api/v1/benefits", m.session},
		} {
			e.do("GET", r.path, nil, r.who.Access).expect(t, 200, 0)
		}

		stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)
		want := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
		seen := 0
		for _, line := range strings.Split(e.bodies.String(), "\n") {
			var v any
			if json.Unmarshal([]byte(line), &v) != nil {
				continue // a file, not a reply
			}
			walkStrings(v, func(path, s string) {
				if !stamp.MatchString(s) {
					return
				}
				seen++
				if !want.MatchString(s) {
					t.Errorf("%s = %q, want whole seconds at +08:00 in %.200s", path, s, line)
				}
			})
		}
		if seen < 40 {
			t.Fatalf("only %d times in the replies: the walk missed the routes it means to check", seen)
		}
	})
}

// walkStrings calls fn with every string in a decoded JSON value and its key.
func walkStrings(v any, fn func(path, s string)) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"[]", c)
			}
		case string:
			fn(path, x)
		}
	}
	walk("", v)
}
