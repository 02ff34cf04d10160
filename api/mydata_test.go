package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg" // the uploaded photos
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/mydata"
	"github.com/unionhub/unionhub/service/pii"
)

// personWithHistory is a member of u1 whose card was checked once and
// used once for a benefit, and who got the approval notice.
func personWithHistory(t *testing.T, e *testEnv, tr *tree) enrolled {
	t.Helper()
	m := tr.member(tr.u1)
	benefit := e.newBenefit(tr.chair1, tr.u1, nil)
	e.verifyCard(tr.verif1, e.cardToken(m.session), "").expect(t, 200, 0)
	e.verifyCard(tr.verif1, e.cardToken(m.session), benefit).expect(t, 200, 0)
	if err := e.card.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMyData: GET /me/data holds the caller's account, consents,
// application with its form (masked) and timeline, member record and
// events, notifications, the card's checks and redemptions, sessions —
// and nothing of another member of the same union.
func TestMyData(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := personWithHistory(t, e, tr)
		other := personWithHistory(t, e, tr)

		r := e.do("GET", "/api/v1/me/data", nil, m.Access).expect(t, 200, 0)
		if got := r.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
			t.Errorf("Cache-Control %q", got)
		}
		var d mydata.Data
		r.decode(t, &d)
		unionName := "武汉光谷制造有限公司工会"
		checks := []struct {
			name string
			ok   bool
		}{
			{"account id", d.Account.ID == m.UserID},
			{"phone masked", d.Account.PhoneMasked != nil && *d.Account.PhoneMasked == pii.MaskPhone(m.phone) && d.Account.Phone == ""},
			{"consent history", len(d.Consents) == 1 && d.Consents[0].Version == "2026-11" && d.Consents[0].WithdrawnAt == nil},
			{"one application", len(d.Applications) == 1 && d.Applications[0].Status == "approved"},
			{"form masked", len(d.Applications) == 1 && d.Applications[0].Form.IDNumberMasked == pii.MaskIDNumber(m.idNumber) &&
				d.Applications[0].Form.IDNumber == "" && d.Applications[0].Form.Phone == ""},
			{"timeline", len(d.Applications) == 1 && len(d.Applications[0].Timeline) == 2 &&
				d.Applications[0].Timeline[1].Kind == "approved" && d.Applications[0].Timeline[1].OrgName == unionName},
			{"member record", len(d.Members) == 1 && d.Members[0].MemberNo == m.MemberNo && d.Members[0].OrgName == unionName &&
				d.Members[0].Form.IDNumber == ""},
			{"member events", len(d.Members) == 1 && len(d.Members[0].Events) >= 1},
			{"notifications", len(d.Notifications) >= 1},
			{"verifications", len(d.Verifications) == 2 && d.Verifications[0].VerifierOrgName == unionName &&
				d.Verifications[0].Result == "valid" && d.Verifications[1].BenefitTitle == "职工体检优惠"},
			{"redemptions", len(d.Redemptions) == 1 && d.Redemptions[0].BenefitTitle == "职工体检优惠" &&
				d.Redemptions[0].VerifierOrgName == unionName},
			{"uploads", len(d.Uploads) == 3},
			{"sessions", len(d.Sessions) == 1},
			{"roles", len(d.Roles) == 0 && d.Transfers != nil},
		}
		for _, c := range checks {
			if !c.ok {
				t.Errorf("%s: %s", c.name, r.Raw)
			}
		}
		for _, leak := range []string{m.idNumber, m.phone, other.UserID, other.MemberNo, pii.MaskIDNumber(other.idNumber),
			pii.MaskPhone(other.phone), `"refresh`, "token"} {
			if strings.Contains(r.Raw, leak) {
				t.Errorf("GET /me/data carries %q", leak)
			}
		}
		// The verifier's own data holds its role, not the member's checks.
		var vd mydata.Data
		e.do("GET", "/api/v1/me/data", nil, tr.verif1.Access).expect(t, 200, 0).decode(t, &vd)
		if len(vd.Roles) != 1 || vd.Roles[0].Role != "verifier" || len(vd.Verifications) != 0 || len(vd.Members) != 0 {
			t.Errorf("verifier's data: %+v", vd)
		}
	})
}

// TestMyDataExport: the ZIP holds data.json with the caller's own ID number
// and phone in clear, data.xlsx with a sheet per section, and the caller's
// images; others get 404; a second export the same business day is 429
// until midnight; the file is gone after 24 h; the request is audited
// without personal data.
func TestMyDataExport(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := personWithHistory(t, e, tr)
		other := personWithHistory(t, e, tr)

		var job struct {
			JobID string `json:"job_id"`
		}
		e.bg.drain() // the content checks of their applications
		e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 202, 0).decode(t, &job)
		// 10:00 UTC is 18:00 in Shanghai: six hours to the next business day.
		again := e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 429, 42900)
		if got := again.Header.Get("Retry-After"); got != "21600" {
			t.Errorf("Retry-After %q, want 21600 (until midnight in Shanghai)", got)
		}
		status := func(s session) (int, string, *time.Time) {
			var st struct {
				Status    string     `json:"status"`
				ExpiresAt *time.Time `json:"expires_at"`
			}
			r := e.do("GET", "/api/v1/me/data-exports/"+job.JobID, nil, s.Access)
			if r.Status == 200 {
				r.decode(t, &st)
			}
			return r.Status, st.Status, st.ExpiresAt
		}
		if code, st, _ := status(m.session); code != 200 || st != "pending" {
			t.Fatalf("before the job ran: %d %s", code, st)
		}
		e.do("GET", "/api/v1/me/data-exports/"+job.JobID+"/file", nil, m.Access).expect(t, 409, 40900)
		if n := e.bg.drain(); n != 1 {
			t.Fatalf("%d jobs ran", n)
		}
		code, st, expires := status(m.session)
		if code != 200 || st != "done" || expires == nil || !expires.Equal(e.clock.Now().Add(24*time.Hour).Truncate(time.Second)) {
			t.Fatalf("after the job: %d %s %v", code, st, expires)
		}
		for _, s := range []session{other.session, tr.rootAdmin} {
			e.do("GET", "/api/v1/me/data-exports/"+job.JobID, nil, s.Access).expect(t, 404, 40400)
			e.do("GET", "/api/v1/me/data-exports/"+job.JobID+"/file", nil, s.Access).expect(t, 404, 40400)
		}

		zr := downloadZip(t, e, m.session, job.JobID)
		var d mydata.Data
		if err := json.Unmarshal(zipFile(t, zr, "data.json"), &d); err != nil {
			t.Fatalf("data.json: %v", err)
		}
		if d.Account.Phone != m.phone || len(d.Members) != 1 || d.Members[0].Form.IDNumber != m.idNumber ||
			len(d.Applications) != 1 || d.Applications[0].Form.IDNumber != m.idNumber || len(d.Redemptions) != 1 {
			t.Errorf("data.json: %+v", d)
		}
		checkWorkbook(t, zipFile(t, zr, "data.xlsx"), m)
		images := 0
		for _, u := range d.Uploads {
			if u.File == "" {
				t.Errorf("upload %s (%s) not in the ZIP", u.ID, u.Kind)
				continue
			}
			if _, _, err := image.Decode(bytes.NewReader(zipFile(t, zr, u.File))); err != nil {
				t.Errorf("%s: %v", u.File, err)
			}
			images++
		}
		if images != 3 {
			t.Errorf("%d images, want the photo and both sides of the ID card", images)
		}
		for _, leak := range []string{other.idNumber, other.phone, other.MemberNo} {
			if bytes.Contains(zipFile(t, zr, "data.json"), []byte(leak)) {
				t.Errorf("the export carries another member's %q", leak)
			}
		}

		var audits []model.AuditLog
		if err := e.db.Where("action LIKE ? AND actor_id = ?", "me.data_export%", mustID(t, m.UserID)).
			Order("seq").Find(&audits).Error; err != nil {
			t.Fatal(err)
		}
		if len(audits) != 2 || audits[0].Action != "me.data_export" || audits[1].Action != "me.data_export.download" {
			t.Fatalf("audit rows: %+v", audits)
		}
		for _, a := range audits {
			for _, leak := range []string{m.idNumber, m.phone, "张三", pii.MaskIDNumber(m.idNumber)} {
				if strings.Contains(a.Detail+a.Target, leak) {
					t.Errorf("audit %s carries %q", a.Action, leak)
				}
			}
		}

		// 24 h later the file is refused, and the job files' cleanup
		// deletes it.
		e.clock.Advance(24 * time.Hour)
		e.renew(&m.session)
		e.do("GET", "/api/v1/me/data-exports/"+job.JobID+"/file", nil, m.Access).expect(t, 404, 40400)
		if _, _, exp := status(m.session); exp != nil {
			t.Errorf("expires_at after expiry: %v", exp)
		}
		e.clock.Advance(time.Minute) // the cleanup takes what expired before now
		if n, err := e.bg.files.Cleanup(context.Background()); err != nil || n != 1 {
			t.Fatalf("cleanup: %d files, %v", n, err)
		}
		var f model.JobFile
		if err := e.db.Where("job_id = ?", mustID(t, job.JobID)).Take(&f).Error; err != nil || f.DeletedAt == nil {
			t.Fatalf("job file after cleanup: %+v %v", f, err)
		}
		if _, err := e.bg.blobs.Get(context.Background(), f.StoragePrefix+"/0"); err == nil {
			t.Error("the file's part is still stored")
		}
		// A new business day allows a new export.
		e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 202, 0)
	})
}

func downloadZip(t *testing.T, e *testEnv, s session, jobID string) *zip.Reader {
	t.Helper()
	req := httptest.NewRequest("GET", "/api/v1/me/data-exports/"+jobID+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+s.Access)
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	return zr
}

func zipFile(t *testing.T, zr *zip.Reader, name string) []byte {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkWorkbook opens data.xlsx: a sheet per section, the member's row
// with the ID number in clear.
func checkWorkbook(t *testing.T, raw []byte, m enrolled) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("data.xlsx: %v", err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	for _, want := range []string{"账户", "同意记录", "入会申请", "申请进度", "会员信息", "会籍变化", "消息通知",
		"会员卡验证记录", "普惠权益使用", "上传文件", "登录会话"} {
		if !strings.Contains(strings.Join(sheets, ","), want) {
			t.Errorf("data.xlsx has no sheet %s: %v", want, sheets)
		}
	}
	rows, err := x.GetRows("会员信息")
	if err != nil || len(rows) != 2 || rows[1][1] != m.MemberNo || rows[1][7] != m.idNumber {
		t.Errorf("会员信息: %v %v", rows, err)
	}
	if rows, _ := x.GetRows("普惠权益使用"); len(rows) != 2 {
		t.Errorf("普惠权益使用: %v", rows)
	}
}
