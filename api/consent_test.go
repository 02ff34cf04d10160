package api_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// detailView is the part of the reviewer's detail tests read.
type detailView struct {
	Status              string   `json:"status"`
	Name                string   `json:"name"`
	IDNumber            *string  `json:"id_number"`
	Phone               *string  `json:"phone"`
	BirthDate           *string  `json:"birth_date"`
	Education           *string  `json:"education"`
	IDCardFrontUploadID *string  `json:"id_card_front_upload_id"`
	Withheld            []string `json:"withheld"`
}

// clarity is what a reader of the detail sees in clear.
type clarity int

const (
	clearAll      clarity = iota // the ID number, phone and form
	noSensitive                  // the form and phone, not the ID number or birth date
	nothingClear                 // neither: the name masked too
	notApplicable                // not checked
)

// checkDetail reads the detail of application id as by and checks what is
// in clear.
func checkDetail(t *testing.T, e *testEnv, by session, id string, a applicant, want clarity) {
	t.Helper()
	var d detailView
	e.do("GET", "/api/v1/admin/applications/"+id, nil, by.Access).expect(t, 200, 0).decode(t, &d)
	gotID := d.IDNumber != nil && *d.IDNumber == a.idNumber
	gotPhone := d.Phone != nil && *d.Phone == a.phone
	gotName := d.Name == "张三"
	gotBirth := d.BirthDate != nil
	switch want {
	case clearAll:
		if !gotID || !gotPhone || !gotName || !gotBirth || len(d.Withheld) != 0 {
			t.Errorf("want everything in clear: %+v", d)
		}
	case noSensitive:
		if gotID || gotBirth || !gotPhone || !gotName || d.IDCardFrontUploadID != nil {
			t.Errorf("want the ID number and birth date withheld, the rest in clear: %+v", d)
		}
	case nothingClear:
		if gotID || gotPhone || gotName || gotBirth || d.Education != nil || d.IDCardFrontUploadID != nil || len(d.Withheld) == 0 {
			t.Errorf("want nothing in clear: %+v", d)
		}
	}
}

// TestConsentWithdrawalEffects: DELETE /me/consents and a POST with an item
// false withdraw at once (API.md §2): the open application is withdrawn,
// every image of the user is gone for everyone, and the detail is masked
// as far as the item reaches.
func TestConsentWithdrawalEffects(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	all := map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": true, "share_upward": true}
	but := func(item string) map[string]any {
		m := map[string]any{}
		for k, v := range all {
			m[k] = v
		}
		m[item] = false
		return m
	}
	tests := []struct {
		name            string
		method          string
		body            map[string]any
		chair, upward   clarity
		consentAfterGet int
	}{
		{"DELETE", "DELETE", nil, nothingClear, nothingClear, 404},
		{"POST every item false", "POST", map[string]any{"version": "2026-11", "personal_info": false,
			"sensitive_info": false, "share_upward": false}, nothingClear, nothingClear, 200},
		{"POST personal_info false", "POST", but("personal_info"), nothingClear, nothingClear, 200},
		{"POST sensitive_info false", "POST", but("sensitive_info"), noSensitive, noSensitive, 200},
		{"POST share_upward false", "POST", but("share_upward"), clearAll, nothingClear, 200},
	}
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a := e.newApplicant(fmt.Sprintf("1395555%04d", i), idNumber("19910303", 300+i))
				proof := e.upload(a.session, "proof") // uploaded, never attached
				v := e.apply(a, tr.u1)
				checkDetail(t, e, tr.chair1, v.ID, a, clearAll)
				status := 200
				if tc.method == "POST" {
					status = 201
				}
				e.do(tc.method, "/api/v1/me/consents", tc.body, a.Access).expect(t, status, 0)

				var mine appView
				e.do("GET", "/api/v1/applications/"+v.ID, nil, a.Access).expect(t, 200, 0).decode(t, &mine)
				if mine.Status != "withdrawn" {
					t.Errorf("application after withdrawal: %+v", mine)
				}
				for _, by := range []session{a.session, tr.chair1, tr.c1Admin, tr.rootAdmin} {
					for _, id := range []string{a.photo, a.front, a.back, proof} {
						e.do("GET", "/api/v1/uploads/"+id, nil, by.Access).expect(t, 404, 40400)
					}
				}
				if n := liveUploads(t, e, a.session); n != 0 {
					t.Errorf("%d files of the user not deleted at once", n)
				}
				checkDetail(t, e, tr.chair1, v.ID, a, tc.chair)
				checkDetail(t, e, tr.staff1, v.ID, a, tc.chair)
				checkDetail(t, e, tr.c1Admin, v.ID, a, tc.upward)
				checkDetail(t, e, tr.rootAdmin, v.ID, a, tc.upward)
				for _, by := range []session{tr.chair1, tr.staff1, tr.rootAdmin} {
					if item := queueItem(t, e, by, tr.u1, v.ID); item.Name == "张三" || item.Age != nil {
						t.Errorf("queue item after withdrawal: name %q age %v, want the name masked and no age", item.Name, item.Age)
					}
				}
				e.do("GET", "/api/v1/me/consents", nil, a.Access).expect(t, tc.consentAfterGet, map[int]int{200: 0, 404: 40400}[tc.consentAfterGet])
			})
		}
	})
}

// TestMemberWithdrawalNeedsLeaving: a member on the roll must leave before
// any withdrawal, by DELETE or by a POST with an item false (409); a
// renewed consent that withdraws nothing is no withdrawal.
func TestMemberWithdrawalNeedsLeaving(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		tests := []struct {
			name         string
			method       string
			body         map[string]any
			status, code int
		}{
			{"DELETE", "DELETE", nil, 409, 40900},
			{"POST every item false", "POST", map[string]any{"version": "2026-11", "personal_info": false, "sensitive_info": false, "share_upward": false}, 409, 40900},
			{"POST share_upward false", "POST", map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": true, "share_upward": false}, 409, 40900},
			{"POST sensitive_info false", "POST", map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": false, "share_upward": true}, 409, 40900},
			{"POST renewed, nothing withdrawn", "POST", map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": true, "share_upward": true}, 201, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do(tc.method, "/api/v1/me/consents", tc.body, m.Access).expect(t, tc.status, tc.code)
				var c struct {
					ShareUpward   bool `json:"share_upward"`
					SensitiveInfo bool `json:"sensitive_info"`
				}
				e.do("GET", "/api/v1/me/consents", nil, m.Access).expect(t, 200, 0).decode(t, &c)
				if !c.ShareUpward || !c.SensitiveInfo {
					t.Errorf("a refused withdrawal changed the consent: %+v", c)
				}
			})
		}
		// The card still shows the photo; after leaving, withdrawal works.
		if r := e.do("GET", "/api/v1/uploads/"+m.photo, nil, m.Access); r.Status != 200 {
			t.Fatalf("member's photo: %d", r.Status)
		}
		e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "离职"}, m.Access).expect(t, 200, 0)
		e.do("DELETE", "/api/v1/me/consents", nil, m.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/uploads/"+m.photo, nil, m.Access).expect(t, 404, 40400)
	})
}

// TestConsentRenewalKeepsDraft: a first consent with items false, and the
// same consent given again, withdraw nothing: the draft stays open.
func TestConsentRenewalKeepsDraft(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		s := e.login(uniqueOpenID(t))
		partial := map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": false, "share_upward": false}
		e.do("POST", "/api/v1/me/consents", partial, s.Access).expect(t, 201, 0)
		a := applicant{session: s, idNumber: idNumber("19920404", 41), photo: e.upload(s, "photo")}
		f := a.form(tr.u1)
		delete(f, "id_card_front_upload_id")
		delete(f, "id_card_back_upload_id")
		var v appView
		e.do("POST", "/api/v1/applications", f, s.Access).expect(t, 201, 0).decode(t, &v)
		e.do("POST", "/api/v1/me/consents", partial, s.Access).expect(t, 201, 0)
		e.consent(s)
		e.do("GET", "/api/v1/applications/"+v.ID, nil, s.Access).expect(t, 200, 0).decode(t, &v)
		if v.Status != "draft" {
			t.Fatalf("draft after renewed consents: %+v", v)
		}
		if r := e.do("GET", "/api/v1/uploads/"+a.photo, nil, s.Access); r.Status != 200 {
			t.Fatalf("photo after renewed consents: %d", r.Status)
		}
	})
}

// liveUploads counts the files of s not yet deleted (deleted_at unset).
func liveUploads(t *testing.T, e *testEnv, s session) int64 {
	t.Helper()
	uid, err := strconv.ParseInt(s.UserID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := e.db.Table("uploads").Where("owner_id = ? AND deleted_at IS NULL", uid).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApplyingAgainAfterWithdrawal: an application made after a new
// consent is read in clear; the one made before the withdrawal stays
// withheld.
func TestApplyingAgainAfterWithdrawal(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13955550100", idNumber("19910909", 901))
		old := e.apply(a, tr.u1)
		e.do("DELETE", "/api/v1/me/consents", nil, a.Access).expect(t, 200, 0)
		e.clock.Advance(time.Minute)
		e.consent(a.session)
		a.photo, a.front, a.back = e.upload(a.session, "photo"), e.upload(a.session, "id_card_front"), e.upload(a.session, "id_card_back")
		fresh := e.apply(a, tr.u1)
		checkDetail(t, e, tr.chair1, fresh.ID, a, clearAll)
		checkDetail(t, e, tr.c1Admin, fresh.ID, a, clearAll)
		checkDetail(t, e, tr.chair1, old.ID, a, nothingClear)
	})
}

// queueItem finds application id in org's review queue as by sees it.
func queueItem(t *testing.T, e *testEnv, by session, org, id string) (item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Age  *int   `json:"age"`
}) {
	t.Helper()
	var page struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Age  *int   `json:"age"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/admin/applications?limit=100&org_id="+org, nil, by.Access).expect(t, 200, 0).decode(t, &page)
	for _, it := range page.Items {
		if it.ID == id {
			item.ID, item.Name, item.Age = it.ID, it.Name, it.Age
			return item
		}
	}
	t.Fatalf("application %s not in the queue of %s", id, org)
	return item
}
