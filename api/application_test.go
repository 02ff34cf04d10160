package api_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestApplyAndApproveFlow(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13812345678", idNumber("19900307", 123))
		v := e.apply(a, tr.u1)
		if v.Status != "submitted" || v.Gender != "male" || v.BirthDate != "1990-03-07" || v.OrgName == "" {
			t.Fatalf("application: %+v", v)
		}
		if v.IDNumberMasked != a.idNumber[:6]+"********"+a.idNumber[14:] || v.PhoneMasked != "138****5678" {
			t.Errorf("masking: %s %s", v.IDNumberMasked, v.PhoneMasked)
		}
		// The chair's queue shows it masked.
		var q struct {
			Items []struct {
				ID             string `json:"id"`
				IDNumberMasked string `json:"id_number_masked"`
				OrgName        string `json:"org_name"`
				Status         string `json:"status"`
				Version        int    `json:"version"`
				SubmittedAt    string `json:"submitted_at"`
			} `json:"items"`
		}
		for _, by := range []session{tr.chair1, tr.rootAdmin} { // bound at the union, and above it
			r := e.do("GET", "/api/v1/admin/applications?status=submitted", nil, by.Access).expect(t, 200, 0)
			r.decode(t, &q)
			if len(q.Items) != 1 || q.Items[0].ID != v.ID {
				t.Fatalf("queue: %s", r.Raw)
			}
			if it := q.Items[0]; it.IDNumberMasked != v.IDNumberMasked || it.OrgName != v.OrgName || it.Status != "submitted" ||
				it.Version != v.Version || it.SubmittedAt == "" {
				t.Errorf("queue item %+v, want the application %+v", it, v)
			}
		}
		r := e.do("GET", "/api/v1/admin/applications?status=submitted", nil, tr.chair1.Access).expect(t, 200, 0)
		var masked struct {
			Items []struct {
				NameMasked string `json:"name_masked"`
			} `json:"items"`
		}
		if r.decode(t, &masked); len(masked.Items) != 1 || masked.Items[0].NameMasked != "张*" {
			t.Errorf("queue name not masked: %s", r.Raw)
		}
		// The chair of another union does not see it.
		e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.chair3.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.chair3.Access).expect(t, 404, 40400)
		// The detail is unmasked and audited.
		d := e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.staff1.Access).expect(t, 200, 0)
		var detail struct {
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
		}
		if d.decode(t, &detail); detail.IDNumber != a.idNumber || detail.Phone != "13812345678" {
			t.Fatalf("detail not unmasked: %s", d.Raw)
		}
		audit := e.do("GET", "/api/v1/admin/audit-logs?action=application.read_pii", nil, tr.rootAdmin.Access).expect(t, 200, 0)
		var reads struct {
			Items []struct {
				Action  string `json:"action"`
				Target  string `json:"target"`
				ActorID string `json:"actor_id"`
			} `json:"items"`
		}
		if audit.decode(t, &reads); len(reads.Items) != 1 || reads.Items[0].Target != "application:"+v.ID ||
			reads.Items[0].ActorID != tr.staff1.UserID {
			t.Errorf("unmasked read not audited: %s", audit.Raw)
		}
		// Stale version, then approval.
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version + 1}, tr.chair1.Access).expect(t, 409, 40900)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{}, tr.chair1.Access).expect(t, 422, 40001)
		var res approvalReply
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.chair1.Access).expect(t, 200, 0).decode(t, &res)
		if res.Application.Status != "approved" || !strings.HasPrefix(res.Member.MemberNo, "420106") || len(res.Member.MemberNo) != 14 {
			t.Fatalf("approval: %+v", res)
		}
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": res.Application.Version}, tr.chair1.Access).expect(t, 409, 40900)
		notes := e.do("GET", "/api/v1/me/notifications", nil, a.Access).expect(t, 200, 0)
		var page notificationPage
		if notes.decode(t, &page); len(page.Items) != 1 || page.Items[0].Kind != "application_approved" ||
			page.Items[0].Title != "入会申请已通过" || page.Items[0].Data["application_id"] != v.ID || page.Unread != 1 {
			t.Errorf("applicant not told: %s", notes.Raw)
		}
		me := e.do("GET", "/api/v1/me", nil, a.Access).expect(t, 200, 0)
		var mine struct {
			Member *struct {
				ID       string `json:"id"`
				MemberNo string `json:"member_no"`
			} `json:"member"`
			Application *struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"application"`
		}
		if me.decode(t, &mine); mine.Member == nil || mine.Member.ID != res.Member.ID || mine.Member.MemberNo != res.Member.MemberNo ||
			mine.Application == nil || mine.Application.ID != v.ID || mine.Application.Status != "approved" {
			t.Errorf("/me after approval: %s", me.Raw)
		}
		// The same person cannot apply again while on the roll; the message points to the card claim.
		again := e.newApplicant("13812345678", a.idNumber)
		f := again.form(tr.u2)
		r = e.do("POST", "/api/v1/applications", f, again.Access).expect(t, 409, 40901)
		if !strings.Contains(r.Message, "认领") {
			t.Errorf("40901 for the same phone does not point to the claim: %s", r.Message)
		}
		other := e.newApplicant("13900000000", a.idNumber)
		r = e.do("POST", "/api/v1/applications", other.form(tr.u2), other.Access).expect(t, 409, 40901)
		if strings.Contains(r.Message, "认领") {
			t.Errorf("40901 for a stranger mentions the claim: %s", r.Message)
		}
	})
}

func TestApplicationValidation(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13812340000", idNumber("19950101", 11))
		tests := []struct {
			name   string
			edit   func(f map[string]any)
			fields []string
		}{
			{"bad check char", func(f map[string]any) { f["id_number"] = a.idNumber[:17] + "0" }, []string{"id_number"}},
			{"under 16", func(f map[string]any) { f["id_number"] = idNumber("20150101", 5) }, []string{"id_number"}},
			{"bad name", func(f map[string]any) { f["name"] = "张3" }, []string{"name"}},
			{"unknown ethnicity", func(f map[string]any) { f["ethnicity"] = "火星族" }, []string{"ethnicity"}},
			{"missing lists", func(f map[string]any) {
				delete(f, "education")
				delete(f, "political_status")
				delete(f, "household_type")
			},
				[]string{"education", "political_status", "household_type"}},
			{"dispatched without agency", func(f map[string]any) {
				f["employment"] = map[string]any{"work_type": "floating", "is_dispatched": true}
			}, []string{"employment.dispatch_agency_name"}},
			{"bad agency uscc and work type", func(f map[string]any) {
				f["employment"] = map[string]any{"work_type": "sometimes", "is_dispatched": true, "dispatch_agency_name": "某派遣公司",
					"dispatch_agency_uscc": "91420106ABCDEFGHIJ", "hired_on": "2099-01-01"}
			}, []string{"employment.work_type", "employment.dispatch_agency_uscc", "employment.hired_on"}},
			{"no photo", func(f map[string]any) { delete(f, "photo_upload_id") }, []string{"photo_upload_id"}},
			{"someone else's file", func(f map[string]any) { f["photo_upload_id"] = "1" }, []string{"photo_upload_id"}},
			{"wrong kind of file", func(f map[string]any) { f["photo_upload_id"] = a.front }, []string{"photo_upload_id"}},
			{"union not accepting", func(f map[string]any) { f["org_id"] = tr.c1 }, []string{"org_id"}},
			{"everything at once", func(f map[string]any) {
				f["name"] = ""
				f["id_number"] = "123"
				f["ethnicity"] = ""
			}, []string{"name", "id_number", "ethnicity"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := a.form(tr.u1)
				f["submit"] = true
				tc.edit(f)
				r := e.do("POST", "/api/v1/applications", f, a.Access).expect(t, 422, 40001)
				got := map[string]bool{}
				for _, d := range r.Details {
					got[d.Field] = true
				}
				for _, want := range tc.fields {
					if !got[want] {
						t.Errorf("details lack %s: %s", want, r.Raw)
					}
				}
			})
		}
		// A lower-case x is accepted and stored upper-case.
		x := idNumber("19881111", 0)
		for seq := 1; !strings.HasSuffix(x, "X"); seq++ {
			x = idNumber("19881111", seq)
		}
		f := a.form(tr.u1)
		f["id_number"] = strings.ToLower(x)
		var v appView
		e.do("POST", "/api/v1/applications", f, a.Access).expect(t, 201, 0).decode(t, &v)
		if v.Status != "draft" || !strings.HasSuffix(v.IDNumberMasked, "X") {
			t.Fatalf("draft with lower-case x: %+v", v)
		}
		// A second open application is refused by the database rule.
		e.do("POST", "/api/v1/applications", f, a.Access).expect(t, 409, 40902)
	})
}

func TestSubmitNeedsConsentAndPhone(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		s := e.login(uniqueOpenID(t))
		// Without consent nothing can be uploaded or saved.
		e.uploadRaw(s.Access, "photo", jpegBytes(t)).expect(t, 422, 40001).expectField(t, "consent")
		e.do("POST", "/api/v1/me/consents", map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": false, "share_upward": false}, s.Access).expect(t, 201, 0)
		photo := e.upload(s, "photo")
		r := e.uploadRaw(s.Access, "id_card_front", jpegBytes(t)).expect(t, 422, 40001)
		if len(r.Details) != 1 || r.Details[0].Field != "consent" {
			t.Errorf("ID image without sensitive consent: %s", r.Raw)
		}
		a := applicant{session: s, idNumber: idNumber("19920202", 22), photo: photo}
		f := a.form(tr.u1)
		delete(f, "id_card_front_upload_id")
		delete(f, "id_card_back_upload_id")
		var v appView
		e.do("POST", "/api/v1/applications", f, s.Access).expect(t, 201, 0).decode(t, &v)
		r = e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, s.Access).expect(t, 422, 40001)
		fields := map[string]bool{}
		for _, d := range r.Details {
			fields[d.Field] = true
		}
		if !fields["consent"] || !fields["phone"] {
			t.Fatalf("submit without full consent and phone: %s", r.Raw)
		}
		e.consent(s)
		e.bindPhone(s, "13700001111")
		e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, s.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me/consents", nil, s.Access).expect(t, 200, 0)
	})
}

func TestReturnResubmitRejectWithdraw(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13811112222", idNumber("19800808", 31))
		v := e.apply(a, tr.u1)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/return", map[string]any{"version": v.Version}, tr.chair1.Access).expect(t, 422, 40001).expectField(t, "reason")
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/return", map[string]any{"version": v.Version, "reason": "照片不清晰"}, tr.chair1.Access).
			expect(t, 200, 0).decode(t, &v)
		if v.Status != "returned" || v.Review == nil || v.Review.Reason != "照片不清晰" {
			t.Fatalf("returned: %+v", v)
		}
		// The applicant fixes and resubmits.
		f := a.form(tr.u1)
		f["photo_upload_id"] = e.upload(a.session, "photo")
		e.do("PUT", "/api/v1/applications/"+v.ID, f, a.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, a.Access).expect(t, 200, 0).decode(t, &v)
		if v.Status != "submitted" {
			t.Fatalf("resubmitted: %+v", v)
		}
		e.do("PUT", "/api/v1/applications/"+v.ID, f, a.Access).expect(t, 409, 40900)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/reject", map[string]any{"version": v.Version, "reason": "非本单位职工"}, tr.chair1.Access).
			expect(t, 200, 0).decode(t, &v)
		if v.Status != "rejected" {
			t.Fatalf("rejected: %+v", v)
		}
		e.do("POST", "/api/v1/applications/"+v.ID+"/withdraw", nil, a.Access).expect(t, 409, 40900)
		// A rejected applicant may apply again, and withdraw.
		v2 := e.apply(a, tr.u2)
		e.do("GET", "/api/v1/applications/"+v2.ID, nil, tr.plain.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/applications/"+v2.ID+"/withdraw", nil, a.Access).expect(t, 200, 0).decode(t, &v2)
		if v2.Status != "withdrawn" {
			t.Fatalf("withdrawn: %+v", v2)
		}
		var mine struct {
			Items []appView `json:"items"`
		}
		e.do("GET", "/api/v1/applications/mine", nil, a.Access).expect(t, 200, 0).decode(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0].ID != v2.ID {
			t.Errorf("mine: %+v", mine.Items)
		}
		// Withdrawing consent withdraws an open application. (The withdrawn
		// application's files went with it: new ones are needed.)
		a.photo, a.front, a.back = e.upload(a.session, "photo"), e.upload(a.session, "id_card_front"), e.upload(a.session, "id_card_back")
		v3 := e.apply(a, tr.u2)
		e.do("DELETE", "/api/v1/me/consents", nil, a.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/applications/"+v3.ID, nil, a.Access).expect(t, 200, 0).decode(t, &v3)
		if v3.Status != "withdrawn" {
			t.Errorf("after consent withdrawal: %+v", v3)
		}
		e.do("GET", "/api/v1/me/consents", nil, a.Access).expect(t, 404, 40400)
	})
}

// Two reviewers approving at once make one member.
func TestConcurrentApprovals(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13866667777", idNumber("19910101", 41))
		v := e.apply(a, tr.u1)
		reviewers := []session{tr.chair1, tr.staff1, tr.c1Admin, tr.rootAdmin, tr.chair1, tr.staff1}
		statuses := make([]int, len(reviewers))
		var wg sync.WaitGroup
		for i, rv := range reviewers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, rv.Access).Status
			}()
		}
		wg.Wait()
		won := 0
		for _, s := range statuses {
			switch s {
			case 200:
				won++
			case 409:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		if won != 1 {
			t.Fatalf("%d approvals succeeded: %v", won, statuses)
		}
		if n, err := e.apps.MembersOnRoll(t.Context(), mustID(t, tr.u1)); err != nil || n != 1 {
			t.Fatalf("members on roll = %d, %v", n, err)
		}
	})
}

func TestIdempotentCreate(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13855556666", idNumber("19930303", 51))
		f := a.form(tr.u1)
		first := e.do("POST", "/api/v1/applications", f, a.Access, "Idempotency-Key", "tap-1").expect(t, 201, 0)
		again := e.do("POST", "/api/v1/applications", f, a.Access, "Idempotency-Key", "tap-1").expect(t, 201, 0)
		if string(first.Data) != string(again.Data) {
			t.Fatalf("retry gave another reply:\n%s\n%s", first.Data, again.Data)
		}
		e.do("POST", "/api/v1/applications", f, a.Access, "Idempotency-Key", "tap-2").expect(t, 409, 40902)
	})
}

func TestUploads(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13844445555", idNumber("19890909", 61))
		tests := []struct {
			name         string
			kind         string
			data         []byte
			status, code int
		}{
			{"text file", "photo", []byte("hello, this is not an image at all"), 415, 41500},
			{"unknown kind", "selfie", jpegBytes(t), 422, 40001},
			{"no file", "photo", nil, 422, 40001},
			{"over 5 MiB", "photo", append(jpegBytes(t), make([]byte, 5<<20)...), 413, 41300},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.uploadRaw(a.Access, tc.kind, tc.data).expect(t, tc.status, tc.code)
			})
		}
		// Owner reads it; an unrelated admin or user does not.
		r := e.do("GET", "/api/v1/uploads/"+a.photo, nil, a.Access)
		if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("owner read: %d", r.Status)
		}
		e.do("GET", "/api/v1/uploads/"+a.photo, nil, tr.chair1.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/uploads/"+a.photo, nil, tr.plain.Access).expect(t, 404, 40400)
		e.apply(a, tr.u1)
		// Once an application in its scope uses it, the chair reads it (audited); others still not.
		if r := e.do("GET", "/api/v1/uploads/"+a.front, nil, tr.chair1.Access); r.Status != 200 {
			t.Fatalf("chair read: %d %s", r.Status, r.Raw)
		}
		e.do("GET", "/api/v1/uploads/"+a.front, nil, tr.chair3.Access).expect(t, 404, 40400)
		if audit := e.auditLogs(t, "?action=upload.read", tr.rootAdmin); !hasAuditTarget(audit, "upload:"+a.front) {
			t.Errorf("admin file read not audited: %+v", audit.Items)
		}
	})
}

// Full ID numbers and phones appear only in the reviewer's detail reply.
func TestPIIOnlyInDetail(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13833334444", idNumber("19870707", 71))
		v := e.apply(a, tr.u1)
		e.do("GET", "/api/v1/applications/"+v.ID, nil, a.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me", nil, a.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/admin/applications", nil, tr.chair1.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.chair1.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/admin/audit-logs", nil, tr.rootAdmin.Access).expect(t, 200, 0)
		for _, secret := range []string{a.idNumber, a.phone} {
			if strings.Contains(e.bodies.String(), secret) {
				t.Errorf("a reply other than the detail holds %s", secret)
			}
			if strings.Contains(e.logs.String(), secret) {
				t.Errorf("the log holds %s", secret)
			}
		}
		var detail struct {
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
		}
		d := e.do("GET", "/api/v1/admin/applications/"+v.ID, nil, tr.chair1.Access).expect(t, 200, 0)
		if d.decode(t, &detail); detail.IDNumber != a.idNumber || detail.Phone != a.phone {
			t.Errorf("detail lacks the clear values: %s", d.Raw)
		}
	})
}

func TestDicts(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		var d map[string][]struct{ Code, Name string }
		e.do("GET", "/api/v1/dicts", nil, "").expect(t, 200, 0).decode(t, &d)
		for key, min := range map[string]int{"ethnicity": 57, "education": 9, "political_status": 13, "household_type": 3,
			"work_type": 2, "member_status": 6, "unit_type": 2} {
			if len(d[key]) < min {
				t.Errorf("%s has %d entries", key, len(d[key]))
			}
		}
	})
}

// TestReviewQueuePages walks the chair's queue page by page: newest first,
// every application once, a cursor until the last page.
func TestReviewQueuePages(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var want []string
		for range 5 {
			want = append([]string{tr.application(tr.u1).ID}, want...) // newest first
			e.clock.Advance(time.Second)
		}
		tr.application(tr.u3) // another union's: not in the chair's queue
		var got []string
		path := "/api/v1/admin/applications?status=submitted&limit=2"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatalf("more pages than expected: %v", got)
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			e.do("GET", path, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &page)
			for _, it := range page.Items {
				got = append(got, it.ID)
			}
			if page.NextCursor == nil {
				break
			}
			path = "/api/v1/admin/applications?status=submitted&limit=2&cursor=" + *page.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages gave %v, want %v", got, want)
		}
	})
}
