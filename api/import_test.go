package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetCell is one cell of a test sheet: a string is written as a text
// cell; number, date and raw values as the cell types Excel would make.
type (
	numberCell float64 // a number cell, as Excel stores a typed-in number
	rawNumber  string  // a number cell holding exactly this XML value
	dateCell   time.Time
)

// xlsxSheet builds an .xlsx whose first sheet holds rows (nil cells are
// left empty).
func xlsxSheet(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			switch v := v.(type) {
			case nil:
			case string:
				err = f.SetCellStr("Sheet1", cell, v)
			case numberCell:
				err = f.SetCellFloat("Sheet1", cell, float64(v), -1, 64)
			case rawNumber:
				err = f.SetCellDefault("Sheet1", cell, string(v))
			case dateCell:
				if err = f.SetCellValue("Sheet1", cell, time.Time(v)); err == nil {
					err = f.SetCellStyle("Sheet1", cell, cell, dateStyle)
				}
			default:
				t.Fatalf("cell type %T", v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// importRaw posts a sheet through the router.
func (e *testEnv) importRaw(token, org string, data []byte) reply {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if data != nil {
		fw, _ := w.CreateFormFile("file", "会员.xlsx")
		_, _ = fw.Write(data)
	}
	_ = w.WriteField("org_id", org) // after the file: the order is free
	_ = w.Close()
	req := httptest.NewRequest("POST", "/api/v1/admin/imports", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return e.parse(rec)
}

// importStatus is the reply of GET /admin/imports/{id}.
type importStatus struct {
	Status      string `json:"status"`
	Total       int    `json:"total"`
	Imported    int    `json:"imported"`
	Failed      int    `json:"failed"`
	ErrorsTotal int    `json:"errors_total"`
	Error       string `json:"error"`
	Errors      []struct {
		Row     int    `json:"row"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// runImport imports a sheet as s into org, runs the job and returns its
// status.
func (e *testEnv) runImport(s session, org string, sheet []byte) (string, importStatus) {
	e.t.Helper()
	var job struct {
		JobID string `json:"job_id"`
	}
	e.bg.drain() // what came before: the content checks of the applications
	e.importRaw(s.Access, org, sheet).expect(e.t, 202, 0).decode(e.t, &job)
	var st importStatus
	e.do("GET", "/api/v1/admin/imports/"+job.JobID, nil, s.Access).expect(e.t, 200, 0).decode(e.t, &st)
	if st.Status != "pending" {
		e.t.Fatalf("before the worker ran: %+v", st)
	}
	if n := e.bg.drain(); n != 1 {
		e.t.Fatalf("%d jobs ran, want 1", n)
	}
	e.do("GET", "/api/v1/admin/imports/"+job.JobID, nil, s.Access).expect(e.t, 200, 0).decode(e.t, &st)
	return job.JobID, st
}

// rosterNames lists the names of the members on the roll of org.
func (e *testEnv) rosterNames(s session, org string) map[string]importedMember {
	e.t.Helper()
	var page struct {
		Items []importedMember `json:"items"`
	}
	e.do("GET", "/api/v1/admin/members?limit=100&org_id="+org, nil, s.Access).expect(e.t, 200, 0).decode(e.t, &page)
	out := map[string]importedMember{}
	for _, m := range page.Items {
		out[m.Name] = m
	}
	return out
}

type importedMember struct {
	Name       string  `json:"name"`
	MemberNo   string  `json:"member_no"`
	Status     string  `json:"status"`
	JoinedOn   string  `json:"joined_on"`
	Gender     *string `json:"gender"`
	IDType     string  `json:"id_type"`
	Education  *string `json:"education"`
	Claimed    bool    `json:"claimed"`
	Employment struct {
		WorkType           *string `json:"work_type"`
		IsDispatched       bool    `json:"is_dispatched"`
		DispatchAgencyName *string `json:"dispatch_agency_name"`
	} `json:"employment"`
}

// permitNumber makes a valid Hong Kong residence-permit number.
func permitNumber(seq int) string {
	first17 := "810000" + "19880808" + fmt.Sprintf("%03d", seq%1000)
	return first17 + idCheck(first17)
}

func idCheck(first17 string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	return string("10X98765432"[sum%11])
}

func TestImportReportsBadRowsAndImportsTheRest(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		// Someone already on the roll through an application.
		onRoll := e.newApplicant("13700000001", idNumber("19900101", 501))
		app := e.apply(onRoll, tr.u1)
		e.do("POST", "/api/v1/admin/applications/"+app.ID+"/approve", map[string]any{"version": app.Version}, tr.chair1.Access).expect(t, 200, 0)

		good := idNumber("19920202", 2) // even sequence: female
		badCheck := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] != '1']
		sheet := xlsxSheet(t, [][]any{
			{"身份证号码", "姓名*", "手机号码", "民族", "学历", "入会日期", "备注", "是否劳务派遣", "劳务派遣单位", "就业形式", "工作单位"},
			{good, "王芳", "139 0000 0001", "汉族", "本科", "2024-03-01", "x", "否", nil, "稳定就业", "武汉光谷制造有限公司"},
			{rawNumber("1.1010519491231E+17"), "李四", "13900000002"},
			{badCheck, "赵五", "13900000003"},
			{idNumber("19930303", 4), nil, "13900000004"},
			{good, "王芳", "13900000005"},
			{onRoll.idNumber, "张三", "13900000006"},
			{idNumber("19940404", 7), "钱七", numberCell(13900000007), "回族", nil, dateCell(time.Date(2023, 5, 6, 0, 0, 0, 0, time.UTC)), nil, "是", "武汉人力派遣公司"},
			{},
			{permitNumber(9), "CHAN Tai Man", "13900000009", nil, nil, nil, nil, nil, nil, "流动就业"},
			{idNumber("19950505", 11), "孙十一", "13900000011", nil, nil, nil, nil, "是"},
			{numberCell(1.1010519491231e17), "周十二", "13900000012"},
			{idNumber("19960606", 13), "吴十三", "13900000013", "火星族", nil, "2099-01-01"},
		})
		_, st := e.runImport(tr.staff1, tr.u1, sheet)
		if st.Status != "done" || st.Total != 11 || st.Imported != 3 || st.Failed != 8 {
			t.Fatalf("status %+v", st)
		}
		type want struct {
			row   int
			field string
			has   string
		}
		wants := []want{
			{3, "身份证号码", "存成了数字"},
			{4, "身份证号码", "校验位不正确"},
			{5, "姓名", "请填写姓名"},
			{6, "身份证号码", "与第2行的身份证号码重复"},
			{7, "身份证号码", "已是在册会员"},
			{11, "劳务派遣单位", "劳务派遣单位"},
			{12, "身份证号码", "存成了数字"},
			{13, "民族", "不在可选范围内"},
			{13, "入会日期", "不能晚于今天"},
		}
		if len(st.Errors) != len(wants) || st.ErrorsTotal != len(wants) {
			t.Fatalf("errors %+v", st.Errors)
		}
		for i, w := range wants {
			got := st.Errors[i]
			if got.Row != w.row || got.Field != w.field || !strings.Contains(got.Message, w.has) {
				t.Errorf("error %d: got %+v, want %+v", i, got, w)
			}
		}
		roster := e.rosterNames(tr.chair1, tr.u1)
		if len(roster) != 4 { // three imported, one approved
			t.Fatalf("roster %v", roster)
		}
		wf := roster["王芳"]
		if wf.JoinedOn != "2024-03-01" || *wf.Gender != "female" || *wf.Education != "大学本科" || wf.Claimed ||
			*wf.Employment.WorkType != "stable" || !strings.HasPrefix(wf.MemberNo, "420106") {
			t.Errorf("王芳 %+v", wf)
		}
		if q := roster["钱七"]; q.JoinedOn != "2023-05-06" || !q.Employment.IsDispatched || *q.Employment.DispatchAgencyName != "武汉人力派遣公司" {
			t.Errorf("钱七 %+v", q)
		}
		if c := roster["CHAN Tai Man"]; c.IDType != "hmt_residence_permit" || c.JoinedOn != "2026-11-27" {
			t.Errorf("CHAN Tai Man %+v", c)
		}

		var overview struct {
			Members struct {
				Total      int `json:"total"`
				Dispatched int `json:"dispatched"`
			} `json:"members"`
		}
		e.do("GET", "/api/v1/admin/stats/overview?org_id="+tr.u1, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &overview)
		if overview.Members.Total != 4 || overview.Members.Dispatched != 2 { // the approved applicant is dispatched too
			t.Errorf("the counters missed the import: %+v", overview.Members)
		}

		// The same sheet again adds nobody: every good row is on the roll.
		_, again := e.runImport(tr.chair1, tr.u1, sheet)
		if again.Imported != 0 || again.Failed != 11 || len(e.rosterNames(tr.chair1, tr.u1)) != 4 {
			t.Fatalf("re-import %+v", again)
		}
	})
}

func TestImportRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		sheet := xlsxSheet(t, [][]any{{"姓名", "身份证号码", "手机号码"}})
		e.importRaw(tr.staff1.Access, tr.u3, sheet).expect(t, 404, 40400)
		e.importRaw(tr.c1Admin.Access, tr.c1, sheet).expect(t, 422, 40001).expectField(t, "org_id")
		e.importRaw(tr.staff1.Access, tr.u1, nil).expect(t, 422, 40001).expectField(t, "file")
		e.importRaw(tr.staff1.Access, tr.u1, []byte("姓名,身份证号码\n")).expect(t, 415, 41500)
		big := make([]byte, 50<<20+1)
		copy(big, "PK\x03\x04")
		e.importRaw(tr.staff1.Access, tr.u1, big).expect(t, 413, 41300)

		// A sheet without a required column fails as a whole, saying which.
		_, st := e.runImport(tr.staff1, tr.u1, xlsxSheet(t, [][]any{{"姓名", "手机号码"}, {"王芳", "13900000001"}}))
		if st.Status != "failed" || !strings.Contains(st.Error, "身份证号码") || len(st.Errors) != 1 ||
			st.Errors[0].Row != 1 || st.Errors[0].Field != "身份证号码" {
			t.Fatalf("status %+v", st)
		}
		// A zip that is no workbook.
		_, st = e.runImport(tr.staff1, tr.u1, []byte("PK\x03\x04 not really a zip"))
		if st.Status != "failed" || !strings.Contains(st.Error, ".xlsx") {
			t.Fatalf("status %+v", st)
		}
		// The template's example row is reported, not imported.
		tpl := e.do("GET", "/api/v1/admin/imports/template", nil, tr.staff1.Access)
		if tpl.Status != 200 || !strings.Contains(tpl.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("template %d %v", tpl.Status, tpl.Header)
		}
		_, st = e.runImport(tr.staff1, tr.u1, []byte(tpl.Raw))
		if st.Status != "done" || st.Total != 1 || st.Imported != 0 || !strings.Contains(st.Errors[0].Message, "示例行") {
			t.Fatalf("template import %+v", st)
		}
	})
}
