package fakewechat_test

import (
	"net/url"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

func TestLoginCodes(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	good := e.fake.IssueLoginCode("o-alice", "u-alice")
	noUnion := e.fake.IssueLoginCode("o-bob", "")
	tests := []struct {
		name     string
		code     string
		wantCode int
		openid   string
		unionid  string
	}{
		{"issued", good, 0, "o-alice", "u-alice"},
		{"again", good, 40163, "", ""},
		{"no unionid", noUnion, 0, "o-bob", ""},
		{"unknown", "alice-1", 40029, "", ""},
		{"missing", "", 41008, "", ""},
		{"failing", e.fake.IssueFailingLoginCode(45011), 45011, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.login(tt.code)
			if a.errcode() != tt.wantCode || a.str("openid") != tt.openid || a.str("unionid") != tt.unionid {
				t.Fatalf("answer %v, want errcode %d openid %q unionid %q", a, tt.wantCode, tt.openid, tt.unionid)
			}
			if tt.wantCode == 0 && a.str("session_key") == "" {
				t.Errorf("no session_key")
			}
			if _, ok := a["unionid"]; ok && tt.unionid == "" {
				t.Errorf("unionid sent when there is none")
			}
		})
	}
	bad := e.get("/sns/jscode2session", url.Values{"appid": {appID}, "secret": {"x"}, "js_code": {"c"}, "grant_type": {"authorization_code"}})
	if bad.errcode() != 40125 {
		t.Errorf("bad secret: %v", bad)
	}
}

func TestDevelopmentMode(t *testing.T) {
	e := newEnv(t, fakewechat.Options{AcceptAnyCode: true})
	a1, a2 := e.login("alice-1"), e.login("alice-2")
	if a1.errcode() != 0 || a1.str("openid") != e.fake.OpenIDFor("alice") || a2.str("openid") != a1.str("openid") {
		t.Errorf("alice-1 %v, alice-2 %v: want the same openid %s", a1, a2, e.fake.OpenIDFor("alice"))
	}
	if a1.str("unionid") != e.fake.UnionIDFor("alice") {
		t.Errorf("unionid %q, want %q", a1.str("unionid"), e.fake.UnionIDFor("alice"))
	}
	if id := e.fake.OpenIDFor("alice"); len(id) != 28 || id[0] != 'o' || id == e.fake.OpenIDFor("bob") {
		t.Errorf("openid %q is not shaped like a real one", id)
	}
	if got := e.login("alice-1").errcode(); got != 40163 {
		t.Errorf("reused dev code: errcode %d, want 40163", got)
	}
	issued := e.fake.IssueLoginCode("o-issued", "")
	if got := e.login(issued).str("openid"); got != "o-issued" {
		t.Errorf("issued code in dev mode: openid %q", got)
	}

	token := e.token()
	phone := func(code string) answer {
		return e.post("/wxa/business/getuserphonenumber", token, map[string]string{"code": code})
	}
	if got := phone("13800138000-1"); got.errcode() != 0 || got["phone_info"].(map[string]any)["purePhoneNumber"] != "13800138000" {
		t.Errorf("dev phone code: %v", got)
	}
	if got := phone("13800138000-1").errcode(); got != 40029 {
		t.Errorf("reused dev phone code: errcode %d, want 40029", got)
	}
	if got := phone("13800138000-2").errcode(); got != 0 {
		t.Errorf("second dev phone code: errcode %d", got)
	}
	if got := phone("alice-1").errcode(); got != 40029 {
		t.Errorf("non-phone dev code: errcode %d, want 40029", got)
	}
}

func TestPhoneCodes(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	token := e.token()
	code := e.fake.IssuePhoneCode("13800138000")
	a := e.post("/wxa/business/getuserphonenumber", token, map[string]string{"code": code})
	info, _ := a["phone_info"].(map[string]any)
	wm, _ := info["watermark"].(map[string]any)
	if a.errcode() != 0 || a.str("errmsg") != "ok" || info["phoneNumber"] != "13800138000" ||
		info["purePhoneNumber"] != "13800138000" || info["countryCode"] != "86" || wm["appid"] != appID || wm["timestamp"] == nil {
		t.Errorf("answer %v", a)
	}
	for name, c := range map[string]string{"used": code, "unknown": "nope", "dev code in strict mode": "13800138000-1"} {
		if got := e.post("/wxa/business/getuserphonenumber", token, map[string]string{"code": c}).errcode(); got != 40029 {
			t.Errorf("%s: errcode %d, want 40029", name, got)
		}
	}
}

// TestCodesWorkOnceConcurrently races many redemptions of one code.
func TestCodesWorkOnceConcurrently(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	code := e.fake.IssueLoginCode("o-race", "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Go(func() {
			if e.login(code).errcode() == 0 {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("code worked %d times, want 1", wins)
	}
}
