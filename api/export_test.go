package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportStatus is the reply of GET /admin/exports/{id}.
type exportStatus struct {
	Status    string     `json:"status"`
	Rows      int        `json:"rows"`
	Format    string     `json:"format"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// runExport starts an export as s, runs it and returns its job id and
// status.
func (e *testEnv) runExport(s session, org, format string) (string, exportStatus) {
	e.t.Helper()
	var job struct {
		JobID string `json:"job_id"`
	}
	e.do("POST", "/api/v1/admin/exports", map[string]any{"org_id": org, "format": format, "reason": "年度会员信息上报"},
		s.Access).expect(e.t, 202, 0).decode(e.t, &job)
	e.bg.drain()
	var st exportStatus
	e.do("GET", "/api/v1/admin/exports/"+job.JobID, nil, s.Access).expect(e.t, 200, 0).decode(e.t, &st)
	return job.JobID, st
}

// download fetches an export's file as s.
func (e *testEnv) download(s session, id string) reply {
	e.t.Helper()
	return e.do("GET", "/api/v1/admin/exports/"+id+"/file", nil, s.Access)
}

// xlsxRows reads the first sheet of an .xlsx.
func xlsxRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// byHeader maps each data row to header → value, keyed by the value of
// column key.
func byHeader(rows [][]string, key string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out[m[key]] = m
	}
	return out
}

// exportFixture puts three members on u1's roll (one whose employer looks
// like a formula) and one on u3's.
func exportFixture(t *testing.T, e *testEnv, tr *tree) (wang, qian string) {
	t.Helper()
	wang, qian = idNumber("19920202", 2), idNumber("19940404", 7)
	_, st := e.runImport(tr.rootAdmin, tr.u1, xlsxSheet(t, [][]any{
		{"姓名", "身份证号码", "手机号码", "民族", "学历", "政治面貌", "入会日期", "工作单位", "就业形式"},
		{"王芳", wang, "13900000001", "汉族", "大学本科", "群众", "2024-03-01", "武汉光谷制造有限公司", "稳定就业"},
		{"钱七", qian, "13900000007", "回族", "硕士研究生", "中共党员", "2023-05-06", `=HYPERLINK("http://evil.example","点我")`},
		{"孙八", idNumber("19950505", 9), "13900000008", nil, nil, nil, nil, "@SUM(1+1)"},
	}))
	if st.Imported != 3 {
		t.Fatalf("fixture import %+v", st)
	}
	_, st = e.runImport(tr.rootAdmin, tr.u3, xlsxSheet(t, [][]any{
		{"姓名", "身份证号码", "手机号码"},
		{"宜昌人", idNumber("19800101", 31), "13900000031"},
	}))
	if st.Imported != 1 {
		t.Fatalf("fixture import %+v", st)
	}
	return wang, qian
}

func TestExportFormats(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		wang, qian := exportFixture(t, e, tr)

		// xlsx of c1's subtree: u1's members, with full ID numbers; u3's absent.
		id, st := e.runExport(tr.c1Admin, tr.c1, "xlsx")
		if st.Status != "done" || st.Rows != 3 || st.Format != "xlsx" || st.ExpiresAt == nil ||
			!st.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("status %+v", st)
		}
		r := e.download(tr.c1Admin, id)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") ||
			r.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("download %d %v", r.Status, r.Header)
		}
		rows := byHeader(xlsxRows(t, []byte(r.Raw)), "姓名")
		if len(rows) != 3 || rows["宜昌人"] != nil {
			t.Fatalf("rows %v", rows)
		}
		if w := rows["王芳"]; w["身份证号码"] != wang || w["手机号码"] != "13900000001" || w["所属工会"] != "武汉光谷制造有限公司工会" ||
			w["入会日期"] != "2024-03-01" || w["性别"] != "女" || w["会籍状态"] != "在会" {
			t.Errorf("王芳 %v", w)
		}
		if got := rows["钱七"]["工作单位"]; got != `'=HYPERLINK("http://evil.example","点我")` {
			t.Errorf("formula not escaped: %q", got)
		}
		if got := rows["孙八"]["工作单位"]; got != "'@SUM(1+1)" {
			t.Errorf("formula not escaped: %q", got)
		}

		// csv: a BOM, then RFC 4180 rows, escaped the same way.
		id, st = e.runExport(tr.c1Admin, tr.c1, "csv")
		r = e.download(tr.c1Admin, id)
		if !strings.HasPrefix(r.Raw, "\xEF\xBB\xBF") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv %q %v", r.Raw[:min(20, len(r.Raw))], r.Header)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\xEF\xBB\xBF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		crows := byHeader(recs, "姓名")
		if len(crows) != 3 || crows["钱七"]["身份证号码"] != qian || !strings.HasPrefix(crows["钱七"]["工作单位"], "'=") {
			t.Errorf("csv rows %v", crows)
		}

		// national, by the union's chair: GB/T codes.
		id, _ = e.runExport(tr.chair1, tr.u1, "national")
		nrows := byHeader(xlsxRows(t, []byte(e.download(tr.chair1, id).Raw)), "姓名")
		w := nrows["王芳"]
		want := map[string]string{"性别代码": "2", "出生日期": "19920202", "民族代码": "01", "学历代码": "21",
			"政治面貌代码": "13", "证件类型": "居民身份证", "证件号码": wang, "入会日期": "20240301", "会籍变化类型": "1",
			"会籍变化日期": "20261127", "所属工会行政区划代码": "420106", "是否农民工": "0"}
		for k, v := range want {
			if w[k] != v {
				t.Errorf("national %s = %q, want %q", k, w[k], v)
			}
		}
		if q := nrows["钱七"]; q["民族代码"] != "03" || q["学历代码"] != "14" || q["政治面貌代码"] != "01" || q["性别代码"] != "1" {
			t.Errorf("national 钱七 %v", q)
		}

		// The audit log has each export with its reason and row count.
		var logs struct {
			Items []struct {
				Detail struct {
					Rows   *int   `json:"rows"`
					Reason string `json:"reason"`
				} `json:"detail"`
			} `json:"items"`
		}
		e.do("GET", "/api/v1/admin/audit-logs?action=export.done&org_id="+tr.c1, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &logs)
		if len(logs.Items) != 3 {
			t.Fatalf("%d export.done rows, want 3: %+v", len(logs.Items), logs)
		}
		for i, it := range logs.Items {
			rows := -1 // absent
			if it.Detail.Rows != nil {
				rows = *it.Detail.Rows
			}
			if rows != 3 || it.Detail.Reason != "年度会员信息上报" {
				t.Errorf("audit row %d: rows %d, reason %q; want 3 and the reason given", i, rows, it.Detail.Reason)
			}
		}
	})
}

func TestExportAccessAndExpiry(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		exportFixture(t, e, tr)
		bad := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no reason", map[string]any{"org_id": tr.c1, "format": "xlsx", "reason": "  "}, "reason"},
			{"bad format", map[string]any{"org_id": tr.c1, "format": "pdf", "reason": "上报"}, "format"},
			{"no org", map[string]any{"format": "xlsx", "reason": "上报"}, "org_id"},
		}
		for _, b := range bad {
			t.Run(b.name, func(t *testing.T) {
				e.do("POST", "/api/v1/admin/exports", b.body, tr.c1Admin.Access).expect(t, 422, 40001).expectField(t, b.field)
			})
		}
		e.do("POST", "/api/v1/admin/exports", map[string]any{"org_id": tr.u3, "format": "xlsx", "reason": "上报"},
			tr.c1Admin.Access).expect(t, 404, 40400)

		var job struct {
			JobID string `json:"job_id"`
		}
		e.do("POST", "/api/v1/admin/exports", map[string]any{"org_id": tr.u1, "format": "csv", "reason": "上报"},
			tr.c1Admin.Access).expect(t, 202, 0).decode(t, &job)
		e.download(tr.c1Admin, job.JobID).expect(t, 409, 40900) // not run yet
		e.bg.drain()

		// Only the requester sees it, even an admin above them does not.
		for _, other := range []session{tr.rootAdmin, tr.chair1} {
			e.do("GET", "/api/v1/admin/exports/"+job.JobID, nil, other.Access).expect(t, 404, 40400)
			e.download(other, job.JobID).expect(t, 404, 40400)
		}
		if r := e.download(tr.c1Admin, job.JobID); r.Status != 200 {
			t.Fatalf("download %d", r.Status)
		}

		// 24 hours later the file is gone, and the cleanup deletes it.
		e.clock.Advance(24*time.Hour + time.Minute)
		var fresh struct {
			AccessToken string `json:"access_token"`
		}
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tr.c1Admin.Refresh}, "").expect(t, 200, 0).decode(t, &fresh)
		tr.c1Admin.Access = fresh.AccessToken
		e.download(tr.c1Admin, job.JobID).expect(t, 404, 40400)
		var st exportStatus
		e.do("GET", "/api/v1/admin/exports/"+job.JobID, nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &st)
		if st.Status != "done" || st.ExpiresAt != nil {
			t.Fatalf("status %+v", st)
		}
		f, err := e.bg.files.Get(context.Background(), mustID(t, job.JobID))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.bg.files.Cleanup(context.Background()); err != nil || n != 1 {
			t.Fatalf("cleanup: %d, %v", n, err)
		}
		if _, err := e.bg.blobs.Get(context.Background(), f.StoragePrefix+"/0"); err == nil {
			t.Fatal("the file's part survived the cleanup")
		}
		if _, err := e.bg.files.Get(context.Background(), f.JobID); err == nil {
			t.Fatal("the file is still listed")
		}
	})
}
