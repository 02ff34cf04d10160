package api_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/unionhub/unionhub/config"
)

// TestPrivacyNoticeFile: UNIONHUB_PRIVACY_NOTICE_FILE replaces the built-in
// notice, and consents must then name its version.
func TestPrivacyNoticeFile(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	path := filepath.Join(t.TempDir(), "notice.yaml")
	yaml := `version: "2027-01"
published_at: 2027-01-01T00:00:00+08:00
text: 本告知书说明工会会员实名制小程序如何处理您的个人信息。
items:
  - {key: personal_info, title: 个人信息, purpose: 办理入会, data: [姓名, 手机号码], retention: 退会后五年}
  - {key: sensitive_info, title: 敏感个人信息, purpose: 核验身份, data: [身份证号码], retention: 审核后30日删除图像}
  - {key: share_upward, title: 向上级工会提供, purpose: 会员统计, data: [会员信息], retention: 同上}
`
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, e *testEnv) {
		var n noticeView
		e.do("GET", "/api/v1/privacy/notice", nil, "").expect(t, 200, 0).decode(t, &n)
		if n.Version != "2027-01" || len(n.Items) != 3 || n.Items[2].Key != "share_upward" {
			t.Fatalf("notice: %+v", n)
		}
		s := e.login(uniqueOpenID(t))
		body := map[string]any{"version": "2026-11", "personal_info": true, "sensitive_info": true, "share_upward": true}
		e.do("POST", "/api/v1/me/consents", body, s.Access).expect(t, 422, 40001).expectField(t, "version")
		body["version"] = "2027-01"
		e.do("POST", "/api/v1/me/consents", body, s.Access).expect(t, 201, 0)
	}, func(c *config.Config) { c.PrivacyNoticeFile = path })
}
