package api_test

import "testing"

// TestPutWithSubmit: PUT /applications/{id} with "submit":true submits the
// changed form (a returned application is resubmitted), or changes nothing
// when the form cannot be submitted (issue 16: it used to save a draft and
// ignore submit).
func TestPutWithSubmit(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name     string
			returned bool   // returned by the chair before the PUT
			drop     string // a form field left out
			status   int
			want     string // status after the PUT
			kind     string // the timeline's last kind
		}{
			{"draft submitted", false, "", 200, "submitted", "submitted"},
			{"returned resubmitted", true, "", 200, "submitted", "resubmitted"},
			{"returned, incomplete form", true, "photo_upload_id", 422, "returned", "returned"},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a := e.newApplicant("1381111333"+string(rune('0'+i)), idNumber("19850505", 40+i))
				var v appView
				if tc.returned {
					v = e.apply(a, tr.u1)
					e.do("POST", "/api/v1/admin/applications/"+v.ID+"/return", map[string]any{"version": v.Version, "reason": "照片不清晰"},
						tr.chair1.Access).expect(t, 200, 0)
				} else {
					e.do("POST", "/api/v1/applications", a.form(tr.u1), a.Access).expect(t, 201, 0).decode(t, &v)
				}
				f := a.form(tr.u1)
				f["name"], f["submit"] = "李四", true
				delete(f, tc.drop)
				r := e.do("PUT", "/api/v1/applications/"+v.ID, f, a.Access)
				if tc.status == 422 {
					r.expect(t, 422, 40001)
					if got := detailFields(r); got != "photo_upload_id" {
						t.Errorf("details %s, want photo_upload_id", got)
					}
				} else {
					r.expect(t, 200, 0)
				}
				var got struct {
					appView
					DueOn    *string `json:"due_on"`
					Timeline []struct {
						Kind string `json:"kind"`
					} `json:"timeline"`
				}
				e.do("GET", "/api/v1/applications/"+v.ID, nil, a.Access).expect(t, 200, 0).decode(t, &got)
				last := ""
				if n := len(got.Timeline); n > 0 {
					last = got.Timeline[n-1].Kind
				}
				if got.Status != tc.want || last != tc.kind {
					t.Errorf("after the PUT: status %s, timeline ends %q; want %s, %q", got.Status, last, tc.want, tc.kind)
				}
				if wantName := map[bool]string{true: "李四", false: "张三"}[tc.status == 200]; got.Name != wantName {
					t.Errorf("name %q, want %q (a refused submit changes nothing)", got.Name, wantName)
				}
				if tc.want == "submitted" && got.DueOn == nil {
					t.Error("submitted without due_on")
				}
			})
		}
	})
}

// TestDecisionBodiesListEveryBadField: an empty or bad decision body lists
// every bad field at once (API.md §1), not the first one found.
func TestDecisionBodiesListEveryBadField(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		v := e.apply(e.newApplicant("13811114444", idNumber("19870707", 51)), tr.u1)
		tests := []struct {
			name, action string
			body         map[string]any
			want         string
		}{
			{"reject {}", "reject", map[string]any{}, "reason,version"},
			{"return {}", "return", map[string]any{}, "reason,version"},
			{"approve {}", "approve", map[string]any{}, "version"},
			{"assign with a bad org and no version", "assign", map[string]any{"org_id": []int{1}}, "org_id,version"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/admin/applications/"+v.ID+"/"+tc.action, tc.body, tr.rootAdmin.Access).expect(t, 422, 40001)
				if got := detailFields(r); got != tc.want {
					t.Errorf("details %s, want %s", got, tc.want)
				}
			})
		}
	})
}
