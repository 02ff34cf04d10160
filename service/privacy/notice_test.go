package privacy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/privacy"
)

func TestDefaultIsValid(t *testing.T) {
	n, err := privacy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if n.Version == "" || !strings.Contains(n.Text, "撤回同意") {
		t.Fatalf("default notice: %+v", n)
	}
}

func TestLoad(t *testing.T) {
	const items = `"items":[
 {"key":"personal_info","title":"个人信息","purpose":"入会","data":["姓名"],"retention":"五年"},
 {"key":"sensitive_info","title":"敏感个人信息","purpose":"核验","data":["身份证号码"],"retention":"30日"},
 {"key":"share_upward","title":"向上级工会提供","purpose":"统计","data":["会员档案"],"retention":"五年"}]`
	tests := []struct {
		name, file, body string
		version, err     string // want the version, or an error containing err
	}{
		{"json", "n.json", `{"version":"2027-01","published_at":"2027-01-01T00:00:00+08:00","text":"告知书",` + items + `}`, "2027-01", ""},
		{"yaml", "n.yaml", "version: v2\npublished_at: 2027-01-01T00:00:00+08:00\ntext: 告知书\nitems:\n" +
			"  - {key: personal_info, title: a, purpose: b, data: [c], retention: d}\n" +
			"  - {key: sensitive_info, title: a, purpose: b, data: [c], retention: d}\n" +
			"  - {key: share_upward, title: a, purpose: b, data: [c], retention: d}\n", "v2", ""},
		{"no version", "n.json", `{"published_at":"2027-01-01T00:00:00+08:00","text":"告知书",` + items + `}`, "", "version"},
		{"version with spaces", "n.json", `{"version":" v ","published_at":"2027-01-01T00:00:00+08:00","text":"t",` + items + `}`, "", "version"},
		{"no published_at", "n.json", `{"version":"v","text":"告知书",` + items + `}`, "", "published_at"},
		{"no text", "n.json", `{"version":"v","published_at":"2027-01-01T00:00:00+08:00",` + items + `}`, "", "text"},
		{"two items", "n.json", `{"version":"v","published_at":"2027-01-01T00:00:00+08:00","text":"t","items":[
 {"key":"personal_info","title":"a","purpose":"b","data":["c"],"retention":"d"},
 {"key":"sensitive_info","title":"a","purpose":"b","data":["c"],"retention":"d"}]}`, "", "items"},
		{"wrong key", "n.json", `{"version":"v","published_at":"2027-01-01T00:00:00+08:00","text":"t",` +
			strings.Replace(items, "share_upward", "share", 1) + `}`, "", "items[2].key"},
		{"item without data", "n.json", `{"version":"v","published_at":"2027-01-01T00:00:00+08:00","text":"t",` +
			strings.Replace(items, `"data":["姓名"],`, "", 1) + `}`, "", "items[0]"},
		{"unknown field", "n.yaml", "version: v\nvresion: w\n", "", "vresion"},
		{"not json", "n.json", "version: v", "", "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			n, err := privacy.Load(path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil || n.Version != tc.version {
				t.Fatalf("got %+v, %v", n, err)
			}
		})
	}
	if _, err := privacy.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}
