package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

// idNumber makes a valid resident ID number born on birth (YYYYMMDD) in
// Wuhan's Hongshan district; seq makes it unique, odd seq is male.
func idNumber(birth string, seq int) string {
	first17 := "420111" + birth + fmt.Sprintf("%03d", seq%1000)
	return first17 + string(codes.IDCheckChar(first17))
}

// jpegBytes is a small real JPEG.
func jpegBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadRaw posts a multipart upload through the router.
func (e *testEnv) uploadRaw(token, kind string, data []byte) reply {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if kind != "" {
		_ = w.WriteField("kind", kind)
	}
	if data != nil {
		fw, _ := w.CreateFormFile("file", "a.jpg")
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req := httptest.NewRequest("POST", "/api/v1/uploads", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return e.parse(rec)
}

// upload stores an image of kind for s and returns its id.
func (e *testEnv) upload(s session, kind string) string {
	e.t.Helper()
	var u struct {
		ID string `json:"id"`
	}
	e.uploadRaw(s.Access, kind, jpegBytes(e.t)).expect(e.t, 201, 0).decode(e.t, &u)
	return u.ID
}

// consent gives the full consent.
func (e *testEnv) consent(s session) {
	e.t.Helper()
	e.do("POST", "/api/v1/me/consents", map[string]any{"version": "2026-11", "personal_info": true,
		"sensitive_info": true, "share_upward": true}, s.Access).expect(e.t, 201, 0)
}

// bindPhone binds phone to s.
func (e *testEnv) bindPhone(s session, phone string) {
	e.t.Helper()
	e.do("POST", "/api/v1/me/phone", map[string]string{"code": fake.IssuePhoneCode(phone)}, s.Access).expect(e.t, 200, 0)
}

// applicant is a worker ready to apply: consent given, phone bound, a photo
// and ID-card images uploaded.
type applicant struct {
	session
	phone, idNumber    string
	photo, front, back string
}

func (e *testEnv) newApplicant(phone, id string) applicant {
	e.t.Helper()
	s := e.login(uniqueOpenID(e.t))
	e.consent(s)
	e.bindPhone(s, phone)
	return applicant{session: s, phone: phone, idNumber: id, photo: e.upload(s, "photo"),
		front: e.upload(s, "id_card_front"), back: e.upload(s, "id_card_back")}
}

// form is a complete, valid application form for a.
func (a applicant) form(org string) map[string]any {
	return map[string]any{
		"org_id": org, "name": "张三", "id_type": "resident_id", "id_number": a.idNumber,
		"ethnicity": "汉族", "education": "大学本科", "political_status": "群众", "household_type": "农业户口",
		"employment": map[string]any{"employer_name": "武汉光谷制造有限公司", "job_title": "装配工", "hired_on": "2024-03-01",
			"work_type": "floating", "is_migrant_worker": true, "is_dispatched": true, "dispatch_agency_name": "武汉人力派遣公司"},
		"photo_upload_id": a.photo, "id_card_front_upload_id": a.front, "id_card_back_upload_id": a.back,
	}
}

// appView is the part of an application reply tests read.
type appView struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	Version        int    `json:"version"`
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked"`
	PhoneMasked    string `json:"phone_masked"`
	Gender         string `json:"gender"`
	BirthDate      string `json:"birth_date"`
	OrgName        string `json:"org_name"`
	Review         *struct {
		Reason string `json:"reason"`
	} `json:"review"`
}

// approvalReply is the reply to approving an application: the application
// as decided and the member it put on the roll.
type approvalReply struct {
	Application appView `json:"application"`
	Member      struct {
		ID       string `json:"id"`
		MemberNo string `json:"member_no"`
	} `json:"member"`
}

// apply submits a's form to org and returns the application.
func (e *testEnv) apply(a applicant, org string) appView {
	e.t.Helper()
	f := a.form(org)
	f["submit"] = true
	var v appView
	e.do("POST", "/api/v1/applications", f, a.Access).expect(e.t, 201, 0).decode(e.t, &v)
	return v
}
