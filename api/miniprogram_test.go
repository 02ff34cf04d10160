package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/card"
)

func TestMiniprogramConfig(t *testing.T) {
	t.Parallel() // own databases
	tests := []struct {
		name     string
		template string
		wantID   *string
	}{
		{"no template configured", "", nil},
		{"template configured", "Xy3fQp0T2m9Kc8bW", strPtr("Xy3fQp0T2m9Kc8bW")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, modeltest.Backends()[0], false, func(c *config.Config) { c.WeChat.TemplateApplicationResult = tc.template })
			var notice struct {
				Version string `json:"version"`
			}
			e.do("GET", "/api/v1/privacy/notice", nil, "").expect(t, 200, 0).decode(t, &notice)
			var got struct {
				PrivacyNoticeVersion string `json:"privacy_notice_version"`
				SubscribeTemplates   struct {
					ApplicationResult struct {
						ID     *string           `json:"id"`
						Fields map[string]string `json:"fields"`
						Page   string            `json:"page"`
					} `json:"application_result"`
				} `json:"subscribe_templates"`
				Pages struct {
					Join         string `json:"join"`
					Application  string `json:"application"`
					ConsoleLogin string `json:"console_login"`
				} `json:"pages"`
				Card struct {
					TTL          int `json:"ttl_seconds"`
					RefreshAfter int `json:"refresh_after_seconds"`
				} `json:"card"`
			}
			r := e.do("GET", "/api/v1/miniprogram/config", nil, "").expect(t, 200, 0)
			r.decode(t, &got)
			tpl := got.SubscribeTemplates.ApplicationResult
			if (tpl.ID == nil) != (tc.wantID == nil) || (tpl.ID != nil && *tpl.ID != *tc.wantID) {
				t.Errorf("template id %v, want %v", tpl.ID, tc.wantID)
			}
			if got.PrivacyNoticeVersion == "" || got.PrivacyNoticeVersion != notice.Version {
				t.Errorf("privacy_notice_version %q, want %q", got.PrivacyNoticeVersion, notice.Version)
			}
			for key := range application.ResultTemplateFields {
				if tpl.Fields[key] == "" {
					t.Errorf("fields lack %s: %v", key, tpl.Fields)
				}
			}
			if len(tpl.Fields) != 4 || tpl.Page != "pages/application/detail" {
				t.Errorf("template fields %v, page %q", tpl.Fields, tpl.Page)
			}
			if got.Pages.Join != "pages/join/index" || got.Pages.Application != "pages/application/detail" ||
				got.Pages.ConsoleLogin != "pages/console-login/index" {
				t.Errorf("pages %+v", got.Pages)
			}
			if got.Card.TTL != int(card.TokenTTL.Seconds()) || got.Card.RefreshAfter != int(card.RefreshAfter.Seconds()) ||
				got.Card.RefreshAfter >= got.Card.TTL {
				t.Errorf("card %+v", got.Card)
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") || strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control %q: the config may be cached briefly", cc)
			}
		})
	}
}

// TestOrgByScene: the scene as onLoad gives it (URL-encoded, or decoded
// by the client) finds the union; anything else is 404.
func TestOrgByScene(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		scene := func(id string) string {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return "o=" + strconv.FormatInt(n, 36)
		}
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u3, map[string]any{"status": "dissolved"}, tr.rootAdmin.Access).expect(t, 200, 0)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u2, map[string]any{"accepts_applications": false}, tr.rootAdmin.Access).expect(t, 200, 0)
		u1 := scene(tr.u1)
		tests := []struct {
			name, rawQuery string
			status         int
		}{
			{"decoded by the client", "scene=" + url.QueryEscape(u1), 200},
			{"as onLoad gives it, encoded once more", "scene=" + url.QueryEscape(url.QueryEscape(u1)), 200},
			{"as onLoad gives it, put in the URL as is", "scene=" + strings.Replace(u1, "=", "%3D", 1), 200},
			{"upper case", "scene=" + url.QueryEscape("o="+strings.ToUpper(u1[2:])), 200},
			{"no scene", "", 404},
			{"empty id", "scene=o%3D", 404},
			{"another kind of scene", "scene=" + url.QueryEscape("t="+u1[2:]), 404},
			{"signed id", "scene=" + url.QueryEscape("o=+"+u1[2:]), 404},
			{"not base 36", "scene=" + url.QueryEscape("o=ab_c"), 404},
			{"unknown union", "scene=" + url.QueryEscape("o=zzzzzz"), 404},
			{"federation", "scene=" + url.QueryEscape(scene(tr.c1)), 404},
			{"dissolved union", "scene=" + url.QueryEscape(scene(tr.u3)), 404},
			{"union taking no applications", "scene=" + url.QueryEscape(scene(tr.u2)), 404},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("GET", "/api/v1/orgs/by-scene?"+tc.rawQuery, nil, "")
				if tc.status == 404 {
					r.expect(t, 404, 40400)
					return
				}
				var got struct {
					ID                  string `json:"id"`
					Name                string `json:"name"`
					AcceptsApplications bool   `json:"accepts_applications"`
				}
				r.expect(t, 200, 0).decode(t, &got)
				if got.ID != tr.u1 || got.Name != "武汉光谷制造有限公司工会" || !got.AcceptsApplications {
					t.Errorf("got %+v, want union %s", got, tr.u1)
				}
			})
		}
	})
}

// TestLinksUnderPublicBaseURL: every link in a reply is absolute under
// UNIONHUB_PUBLIC_BASE_URL when it is set, relative otherwise.
func TestLinksUnderPublicBaseURL(t *testing.T) {
	t.Parallel() // own databases
	for _, base := range []string{"", "https://gw.example.cn/unionhub/"} {
		eachBackend(t, func(t *testing.T, e *testEnv) {
			want := strings.TrimRight(base, "/") + "/api/v1/"
			tr := newTree(t, e)
			m := tr.member(tr.u1)
			check := func(what string, link *string, suffix string) {
				t.Helper()
				if link == nil || !strings.HasPrefix(*link, want) || !strings.HasSuffix(*link, suffix) {
					t.Errorf("%s: %v, want %s…%s", what, link, want, suffix)
				}
			}
			check("photo_url", e.myCard(m.session).PhotoURL, "")

			var up struct {
				ID  string `json:"id"`
				URL string `json:"url"`
			}
			e.uploadRaw(m.Access, "proof", jpegBytes(t)).expect(t, 201, 0).decode(t, &up)
			check("upload url", &up.URL, "/uploads/"+up.ID)

			id, _ := e.runExport(tr.chair1, tr.u1, "csv")
			var ex struct {
				FileURL *string `json:"file_url"`
			}
			e.do("GET", "/api/v1/admin/exports/"+id, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &ex)
			check("export file_url", ex.FileURL, "/admin/exports/"+id+"/file")

			var job struct {
				JobID string `json:"job_id"`
			}
			e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 202, 0).decode(t, &job)
			var dx struct {
				FileURL *string `json:"file_url"`
			}
			e.do("GET", "/api/v1/me/data-exports/"+job.JobID, nil, m.Access).expect(t, 200, 0).decode(t, &dx)
			if dx.FileURL != nil {
				t.Errorf("data export file_url before the file exists: %s", *dx.FileURL)
			}
			e.bg.drain()
			e.do("GET", "/api/v1/me/data-exports/"+job.JobID, nil, m.Access).expect(t, 200, 0).decode(t, &dx)
			check("data export file_url", dx.FileURL, "/me/data-exports/"+job.JobID+"/file")

			var o struct {
				JoinQRCodeURL *string `json:"join_qrcode_url"`
			}
			e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &o)
			check("join_qrcode_url", o.JoinQRCodeURL, "/admin/orgs/"+tr.u1+"/join-qrcode")
			e.do("GET", "/api/v1/admin/orgs/"+tr.c1, nil, tr.rootAdmin.Access).expect(t, 200, 0).decode(t, &o)
			if o.JoinQRCodeURL != nil {
				t.Errorf("a federation has a join code link: %s", *o.JoinQRCodeURL)
			}
		}, func(c *config.Config) { c.PublicBaseURL = base })
	}
}

func strPtr(s string) *string { return &s }
