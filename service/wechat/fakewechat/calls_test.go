package fakewechat_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

func TestSubscribeSend(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	token := e.token()
	msg := map[string]any{
		"touser": "o-1", "template_id": "tpl", "page": "pages/a?id=1",
		"data":              map[string]any{"thing1": map[string]any{"value": "你好"}, "number2": map[string]any{"value": 3}},
		"miniprogram_state": "formal", "lang": "zh_CN",
	}
	if a := e.post("/cgi-bin/message/subscribe/send", token, msg); a.errcode() != 0 || a["msgid"] == nil {
		t.Fatalf("answer %v", a)
	}
	sent := e.fake.SentMessages()
	if len(sent) != 1 || sent[0].ToUser != "o-1" || sent[0].TemplateID != "tpl" || sent[0].Page != "pages/a?id=1" ||
		sent[0].Data["thing1"] != "你好" || sent[0].Data["number2"] != "3" || sent[0].Lang != "zh_CN" {
		t.Errorf("recorded %+v", sent)
	}
	if got := e.post("/cgi-bin/message/subscribe/send", token, map[string]any{"template_id": "tpl"}).errcode(); got != 40003 {
		t.Errorf("no touser: errcode %d, want 40003", got)
	}
	if got := e.post("/cgi-bin/message/subscribe/send", token, map[string]any{"touser": "o"}).errcode(); got != 40037 {
		t.Errorf("no template: errcode %d, want 40037", got)
	}
	if len(e.fake.SentMessages()) != 1 {
		t.Errorf("rejected messages were recorded")
	}
}

func TestWXACode(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	token := e.token()
	resp := e.postRaw("/wxa/getwxacodeunlimit", token, map[string]any{"scene": "o=1", "page": "pages/join/index", "width": 430})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type %q, want exactly image/jpeg", ct)
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("not a JPEG: %v", err)
	}
	other := e.postRaw("/wxa/getwxacodeunlimit", token, map[string]any{"scene": "o=2"})
	otherBody, _ := io.ReadAll(other.Body)
	other.Body.Close()
	if bytes.Equal(body, otherBody) {
		t.Errorf("different scenes drew the same picture")
	}
	bad := e.postRaw("/wxa/getwxacodeunlimit", token, map[string]any{"scene": "0123456789012345678901234567890123"})
	if ct := bad.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q", ct)
	}
	if got := e.decode(bad).errcode(); got != 40169 {
		t.Errorf("long scene: errcode %d, want 40169", got)
	}
}

func TestMsgSecCheck(t *testing.T) {
	e := newEnv(t, fakewechat.Options{RiskyWords: []string{"赌博"}, ReviewWords: []string{"兼职"}})
	token := e.token()
	tests := []struct {
		name     string
		body     map[string]any
		wantCode int
		suggest  string
	}{
		{"pass", map[string]any{"version": 2, "openid": "o", "scene": 1, "content": "我是快递员"}, 0, "pass"},
		{"risky", map[string]any{"version": 2, "openid": "o", "scene": 1, "content": "网上赌博"}, 0, "risky"},
		{"review", map[string]any{"version": 2, "openid": "o", "scene": 2, "content": "兼职"}, 0, "review"},
		{"no openid", map[string]any{"version": 2, "scene": 1, "content": "x"}, 40003, ""},
		{"bad scene", map[string]any{"version": 2, "openid": "o", "scene": 9, "content": "x"}, 47001, ""},
		{"v1 risky", map[string]any{"content": "赌博"}, 87014, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.post("/wxa/msg_sec_check", token, tt.body)
			if a.errcode() != tt.wantCode {
				t.Fatalf("answer %v, want errcode %d", a, tt.wantCode)
			}
			if tt.suggest == "" {
				return
			}
			result, _ := a["result"].(map[string]any)
			if result["suggest"] != tt.suggest || a.str("trace_id") == "" || a["detail"] == nil {
				t.Errorf("answer %v, want suggest %q", a, tt.suggest)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	const path = "/cgi-bin/stable_token"
	body := map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret}

	e.fake.FailNext(path, 2, 45011)
	for i := range 2 {
		if a := e.post(path, "", body); a.errcode() != 45011 || a.str("errmsg") == "" {
			t.Errorf("call %d: %v, want 45011", i, a)
		}
	}
	if a := e.post(path, "", body); a.errcode() != 0 {
		t.Errorf("after the faults: %v", a)
	}

	e.fake.Inject(path, 1, fakewechat.Fault{Status: http.StatusBadGateway})
	resp := e.postRaw(path, "", body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502", resp.StatusCode)
	}

	e.fake.Inject(path, 1, fakewechat.Fault{Drop: true})
	if resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader([]byte("{}"))); err == nil {
		resp.Body.Close()
		t.Errorf("dropped connection gave an answer")
	}

	e.fake.DelayNext(path, 1, 50*time.Millisecond)
	start := time.Now()
	if a := e.post(path, "", body); a.errcode() != 0 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delayed call: %v after %v", a, time.Since(start))
	}

	e.fake.DelayNext(path, 1, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+path, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("stalled call answered")
	}

	e.fake.FailNext(path, 5, -1)
	e.fake.ClearFaults()
	if a := e.post(path, "", body); a.errcode() != 0 {
		t.Errorf("after ClearFaults: %v", a)
	}
}

func TestRecordsAndMethods(t *testing.T) {
	e := newEnv(t, fakewechat.Options{})
	e.token()
	resp, err := http.Get(e.srv.URL + "/cgi-bin/stable_token")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.decode(resp).errcode(); got != 43002 {
		t.Errorf("GET on a POST path: errcode %d, want 43002", got)
	}
	resp, err = http.Get(e.srv.URL + "/no/such/path")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d", resp.StatusCode)
	}
	if got := e.fake.Count("/cgi-bin/stable_token"); got != 2 {
		t.Errorf("Count = %d, want 2", got)
	}
	reqs := e.fake.Requests()
	if len(reqs) < 2 || reqs[0].Method != http.MethodPost || !bytes.Contains(reqs[0].Body, []byte(`"grant_type"`)) {
		t.Errorf("Requests() = %+v", reqs)
	}
	reqs[0].Body[0] = 'X' // a copy: the record must not change
	if e.fake.Requests()[0].Body[0] == 'X' {
		t.Errorf("Requests() shares its buffers")
	}
}
