package api_test

import "testing"

// TestTransferOutEndsOldUnionsReads: once a member has moved to another
// union, the old union and its federations no longer read the person in
// clear: the application that made the member is masked, its images and
// the member record are 404; the new union reads the member and photo.
func TestTransferOutEndsOldUnionsReads(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13977770001", idNumber("19940606", 601))
		v := e.apply(a, tr.u1)
		var res struct {
			Member struct {
				ID string `json:"id"`
			} `json:"member"`
		}
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.chair1.Access).
			expect(t, 200, 0).decode(t, &res)
		checkDetail(t, e, tr.chair1, v.ID, a, clearAll)
		if r := e.do("GET", "/api/v1/uploads/"+a.front, nil, tr.chair1.Access); r.Status != 200 {
			t.Fatalf("old union's image read before the transfer: %d", r.Status)
		}
		var tf struct {
			ID string `json:"id"`
		}
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, a.Access).expect(t, 201, 0).decode(t, &tf)
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 200, 0)

		tests := []struct {
			name   string
			by     session
			detail clarity
			images int
			member int
		}{
			{"old union's chair", tr.chair1, nothingClear, 404, 404},
			{"old union's staff", tr.staff1, nothingClear, 404, 404},
			{"old union's federation", tr.c1Admin, nothingClear, 404, 404},
			{"federation over both", tr.rootAdmin, clearAll, 200, 200},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				checkDetail(t, e, tc.by, v.ID, a, tc.detail)
				for _, id := range []string{a.photo, a.front, a.back} {
					if r := e.do("GET", "/api/v1/uploads/"+id, nil, tc.by.Access); r.Status != tc.images {
						t.Errorf("upload %s: %d, want %d", id, r.Status, tc.images)
					}
				}
				if r := e.do("GET", "/api/v1/admin/members/"+res.Member.ID, nil, tc.by.Access); r.Status != tc.member {
					t.Errorf("member: %d, want %d", r.Status, tc.member)
				}
			})
		}
		// The new union reads its member and the photo its card uses.
		e.do("GET", "/api/v1/admin/members/"+res.Member.ID, nil, tr.chair3.Access).expect(t, 200, 0)
		if r := e.do("GET", "/api/v1/uploads/"+a.photo, nil, tr.chair3.Access); r.Status != 200 {
			t.Errorf("new union's photo read: %d", r.Status)
		}
	})
}
