package api_test

import (
	"strconv"
	"testing"
	"time"
)

// expireUpload moves an upload's delete_after into the past, as the
// retention period or the unreferenced day passing does, before the
// hourly cleanup has run.
func expireUpload(t *testing.T, e *testEnv, id string) {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	past := e.clock.Now().UTC().Add(-time.Minute)
	if err := e.db.Exec("UPDATE uploads SET delete_after = ? WHERE id = ?", past, n).Error; err != nil {
		t.Fatal(err)
	}
}

// TestExpiredUploadsAreGone: an upload past its delete_after is gone on
// every read path (owner, admin, card photo link, a form naming it), even
// before the cleanup deletes its file.
func TestExpiredUploadsAreGone(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"owner reads an unreferenced upload", func(t *testing.T) {
				a := e.newApplicant("13966660001", idNumber("19930505", 501))
				if r := e.do("GET", "/api/v1/uploads/"+a.photo, nil, a.Access); r.Status != 200 {
					t.Fatalf("before: %d", r.Status)
				}
				expireUpload(t, e, a.photo)
				e.do("GET", "/api/v1/uploads/"+a.photo, nil, a.Access).expect(t, 404, 40400)
			}},
			{"a form names an expired upload", func(t *testing.T) {
				a := e.newApplicant("13966660002", idNumber("19930505", 502))
				expireUpload(t, e, a.front)
				f := a.form(tr.u1)
				r := e.do("POST", "/api/v1/applications", f, a.Access).expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "id_card_front_upload_id" {
					t.Fatalf("details: %s", r.Raw)
				}
			}},
			{"chair reads an ID-card image past its retention", func(t *testing.T) {
				m := tr.member(tr.u1)
				if r := e.do("GET", "/api/v1/uploads/"+m.front, nil, tr.chair1.Access); r.Status != 200 {
					t.Fatalf("before: %d", r.Status)
				}
				expireUpload(t, e, m.front)
				for _, by := range []session{tr.chair1, tr.rootAdmin, m.session} {
					e.do("GET", "/api/v1/uploads/"+m.front, nil, by.Access).expect(t, 404, 40400)
				}
			}},
			{"card photo link", func(t *testing.T) {
				m := tr.member(tr.u1)
				path := photoPath(t, e.myCard(m.session).PhotoURL)
				if r := e.do("GET", path, nil, ""); r.Status != 200 {
					t.Fatalf("before: %d", r.Status)
				}
				expireUpload(t, e, m.photo)
				e.do("GET", path, nil, "").expect(t, 404, 40400)
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, tc.run)
		}
	})
}
