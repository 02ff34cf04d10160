package api_test

import (
	"strings"
	"testing"
)

// TestFreeTextRefusesControlAndMarkup: free text that other people see is
// refused with 422 naming the field when it holds control characters, an
// invisible format character (zero-width, bidi override) or, in a one-line
// field, < or >; line breaks are allowed in descriptions and reasons.
func TestFreeTextRefusesControlAndMarkup(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		grassroots := func(field, v string) map[string]any {
			b := map[string]any{"parent_id": tr.c1, "name": "武汉新城电子有限公司工会", "type": "grassroots",
				"region_code": "420106", "unit_name": "武汉新城电子有限公司", "uscc": validUSCC(t, 9001),
				"worker_count": 50, "address": "武汉市洪山区珞喻路1号"}
			b[field] = v
			return b
		}
		m, w := tr.member(tr.u1), e.newApplicant("13611112222", idNumber("19900202", 901))
		a := tr.application(tr.u1)
		form := func(field, v string) map[string]any {
			f := w.form(tr.u1)
			f["employment"].(map[string]any)[field] = v
			return f
		}
		benefit := func(field, v string) map[string]any {
			b := map[string]any{"org_id": tr.u1, "title": "职工体检优惠", "description": "凭电子会员卡享受八折",
				"starts_on": "2026-12-01", "ends_on": "2026-12-31"}
			b[field] = v
			return b
		}
		admin, chair := tr.rootAdmin.Access, tr.chair1.Access
		tests := []struct {
			name, method, path, token string
			body                      map[string]any
			field, label              string // field "" : accepted
		}{
			{"org name CR LF", "POST", "/api/v1/admin/orgs", admin, grassroots("name", "武汉新城\r\n电子工会"), "name", "组织名称"},
			{"org name html", "POST", "/api/v1/admin/orgs", admin, grassroots("name", "<img src=x onerror=alert(1)>工会"), "name", "组织名称"},
			{"org name zero-width", "POST", "/api/v1/admin/orgs", admin, grassroots("name", "武汉新城\u200b电子工会"), "name", "组织名称"},
			{"unit name LF", "POST", "/api/v1/admin/orgs", admin, grassroots("unit_name", "武汉新城\n电子有限公司"), "unit_name", "单位名称"},
			{"unit name bidi override", "POST", "/api/v1/admin/orgs", admin, grassroots("unit_name", "武汉\u202e司公限有"), "unit_name", "单位名称"},
			{"address tab", "POST", "/api/v1/admin/orgs", admin, grassroots("address", "武汉市\t洪山区"), "address", "地址"},
			{"address NUL", "POST", "/api/v1/admin/orgs", admin, grassroots("address", "武汉市\x00洪山区"), "address", "地址"},
			{"org plain punctuation", "POST", "/api/v1/admin/orgs", admin, grassroots("name", "武汉新城（A&B）电子·工会"), "", ""},
			{"org name patched with LF", "PATCH", "/api/v1/admin/orgs/" + tr.u1, chair, map[string]any{"name": "光谷\n工会"}, "name", "组织名称"},
			{"address patched with C1", "PATCH", "/api/v1/admin/orgs/" + tr.u1, chair, map[string]any{"address": "光谷大道\u00851号"}, "address", "地址"},
			{"form employer LF", "POST", "/api/v1/applications", w.Access, form("employer_name", "武汉光谷\n制造"), "employment.employer_name", "工作单位"},
			{"form job title html", "POST", "/api/v1/applications", w.Access, form("job_title", "<b>装配工</b>"), "employment.job_title", "岗位"},
			{"form agency RLO", "POST", "/api/v1/applications", w.Access, form("dispatch_agency_name", "派遣\u202e公司"), "employment.dispatch_agency_name", "劳务派遣单位"},
			{"correction employer html", "PATCH", "/api/v1/admin/members/" + m.MemberID, chair, map[string]any{"version": 1,
				"reason": "单位录错", "employment": map[string]any{"employer_name": "<script>x</script>"}}, "employment.employer_name", "工作单位"},
			{"correction reason tab", "PATCH", "/api/v1/admin/members/" + m.MemberID, chair, map[string]any{"version": 1,
				"reason": "单位\t录错", "employment": map[string]any{"job_title": "焊工"}}, "reason", "更正原因"},
			{"status reason ESC", "POST", "/api/v1/admin/members/" + m.MemberID + "/status", chair,
				map[string]any{"status": "suspended", "reason": "\x1b[2J挂失"}, "reason", "变更原因"},
			{"reject reason NUL", "POST", "/api/v1/admin/applications/" + a.ID + "/reject", chair,
				map[string]any{"version": a.Version, "reason": "非本单位\x00职工"}, "reason", "原因"},
			{"transfer reason zero-width joiner", "POST", "/api/v1/me/transfers", m.Access,
				map[string]any{"to_org_id": tr.u2, "reason": "换\u200d工作"}, "reason", "原因"},
			{"export reason BOM", "POST", "/api/v1/admin/exports", admin,
				map[string]any{"org_id": tr.u1, "format": "xlsx", "reason": "\ufeff年度上报"}, "reason", "导出原因"},
			{"benefit title LF", "POST", "/api/v1/admin/benefits", chair, benefit("title", "体检\n优惠"), "title", "服务名称"},
			{"benefit title html", "POST", "/api/v1/admin/benefits", chair, benefit("title", "体检<br>优惠"), "title", "服务名称"},
			{"benefit description tab", "POST", "/api/v1/admin/benefits", chair, benefit("description", "八折\t优惠"), "description", "服务说明"},
			{"benefit description bidi isolate", "POST", "/api/v1/admin/benefits", chair, benefit("description", "八折\u2066优惠"), "description", "服务说明"},
			{"benefit description lines and <", "POST", "/api/v1/admin/benefits", chair, benefit("description", "满100元<减10元\r\n每人限一次\n"), "", ""},
			{"status reason with lines", "POST", "/api/v1/admin/members/" + m.MemberID + "/status", chair,
				map[string]any{"status": "suspended", "reason": "会员卡挂失\n待补办"}, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do(tt.method, tt.path, tt.body, tt.token)
				if tt.field == "" {
					if r.Status/100 != 2 {
						t.Fatalf("got %d: %s; want it accepted", r.Status, r.Raw)
					}
					return
				}
				r.expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != tt.field {
					t.Fatalf("details = %+v, want one on %s", r.Details, tt.field)
				}
				if msg := r.Details[0].Message; !strings.HasPrefix(msg, tt.label) || !hasHan(msg) {
					t.Errorf("message %q does not name %s", msg, tt.label)
				}
			})
		}
	})
}

// TestImportRefusesControlAndMarkup: an import sheet's free text is checked
// as the form's: such a row is reported on its column and skipped.
func TestImportRefusesControlAndMarkup(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		sheet := xlsxSheet(t, [][]any{
			{"身份证号码", "姓名", "手机号码", "工作单位", "岗位"},
			{idNumber("19920202", 21), "王芳", "13900000021", "武汉光谷\n制造有限公司"},
			{idNumber("19920202", 22), "李四", "13900000022", nil, "<b>焊工</b>"},
			{idNumber("19920202", 23), "赵五", "13900000023", "武汉\u202e司公限有"},
			{idNumber("19920202", 24), "钱六", "13900000024", "武汉光谷制造有限公司（A&B）", "焊工"},
		})
		_, st := e.runImport(tr.staff1, tr.u1, sheet)
		if st.Status != "done" || st.Imported != 1 || st.Failed != 3 {
			t.Fatalf("status %+v", st)
		}
		wants := []struct {
			row          int
			field, label string
		}{{2, "工作单位", "工作单位不能换行"}, {3, "岗位", "岗位不能包含"}, {4, "工作单位", "工作单位中有看不见"}}
		if len(st.Errors) != len(wants) {
			t.Fatalf("errors %+v", st.Errors)
		}
		for i, w := range wants {
			if got := st.Errors[i]; got.Row != w.row || got.Field != w.field || !strings.HasPrefix(got.Message, w.label) {
				t.Errorf("error %d: got %+v, want row %d on %s starting %q", i, got, w.row, w.field, w.label)
			}
		}
	})
}
