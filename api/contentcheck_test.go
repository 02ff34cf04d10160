package api_test

import (
	"fmt"
	"testing"
)

// TestContentCheckFlagsApplications: the node's content check runs in the
// API tests as in production: after submission a job asks WeChat's
// msg_sec_check about the free text, and a risky or doubtful verdict flags
// the application in the reviewer's detail.
func TestContentCheckFlagsApplications(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		for i, tc := range []struct {
			name, jobTitle string
			flagged        bool
		}{
			{"clean text passes", "装配工", false},
			{"risky text is flagged", "fake-risky", true},
			{"doubtful text is flagged", "fake-review", true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := e.newApplicant(fmt.Sprintf("1370000%04d", i), idNumber("19900101", 7100+i))
				f := a.form(tr.u1)
				f["employment"].(map[string]any)["job_title"] = tc.jobTitle
				f["submit"] = true
				var v appView
				e.do("POST", "/api/v1/applications", f, a.Access).expect(t, 201, 0).decode(t, &v)
				if n := e.bg.drain(); n != 1 {
					t.Fatalf("%d jobs ran, want the check", n)
				}
				var d struct {
					Flagged bool `json:"flagged"`
				}
				e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &d)
				if d.Flagged != tc.flagged {
					t.Errorf("flagged %v, want %v", d.Flagged, tc.flagged)
				}
			})
		}
	})
}
