package wechat_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"maps"
	"testing"

	"github.com/unionhub/unionhub/service/wechat"
)

func TestSendSubscribe(t *testing.T) {
	const path = "/cgi-bin/message/subscribe/send"
	msg := wechat.SubscribeMessage{
		ToUser:     "o-carol",
		TemplateID: "tpl-review",
		Page:       "pages/app/detail?id=42",
		Data:       map[string]string{"thing1": "入会申请", "phrase2": "已通过"},
	}
	tests := []struct {
		name     string
		msg      wechat.SubscribeMessage
		fail     int
		wantErr  error
		wantCode int
	}{
		{name: "ok", msg: msg},
		{name: "not subscribed", msg: msg, fail: 43101, wantErr: wechat.ErrNotSubscribed, wantCode: 43101},
		{name: "rate limited", msg: msg, fail: 45011, wantErr: wechat.ErrRateLimited, wantCode: 45011},
		{name: "no recipient", msg: wechat.SubscribeMessage{TemplateID: "tpl"}, wantErr: wechat.ErrUpstream, wantCode: 40003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			if tt.fail != 0 {
				fake.FailNext(path, 1, tt.fail)
			}
			before := len(fake.SentMessages())
			err := c.SendSubscribe(context.Background(), tt.msg)
			checkErr(t, err, tt.wantErr, tt.wantCode)
			sent := fake.SentMessages()
			if tt.wantErr != nil {
				if len(sent) != before {
					t.Errorf("a failed send was recorded")
				}
				return
			}
			got := sent[len(sent)-1]
			if got.ToUser != msg.ToUser || got.TemplateID != msg.TemplateID || got.Page != msg.Page ||
				!maps.Equal(got.Data, msg.Data) || got.MiniprogramState != "formal" || got.Lang != "zh_CN" {
				t.Errorf("sent %+v, want %+v", got, msg)
			}
		})
	}
}

func TestWXACodeUnlimit(t *testing.T) {
	tests := []struct {
		name     string
		scene    string
		fail     int
		wantErr  error
		wantCode int
	}{
		{name: "ok", scene: "o=123"},
		{name: "bad scene", scene: "", wantErr: wechat.ErrUpstream, wantCode: 40169},
		{name: "rate limited", scene: "o=1", fail: 45009, wantErr: wechat.ErrRateLimited, wantCode: 45009},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			if tt.fail != 0 {
				fake.FailNext("/wxa/getwxacodeunlimit", 1, tt.fail)
			}
			img, ct, err := c.WXACodeUnlimit(context.Background(), tt.scene, "pages/join/index", 430)
			checkErr(t, err, tt.wantErr, tt.wantCode)
			if tt.wantErr != nil {
				return
			}
			if ct != "image/jpeg" {
				t.Errorf("content type = %q", ct)
			}
			if _, err := jpeg.Decode(bytes.NewReader(img)); err != nil {
				t.Errorf("image does not decode: %v", err)
			}
		})
	}
}

func TestMsgSecCheck(t *testing.T) {
	tests := []struct {
		name     string
		openid   string
		content  string
		want     wechat.Verdict
		wantErr  error
		wantCode int
	}{
		{name: "pass", openid: "o-dan", content: "我在物流园上班", want: wechat.VerdictPass},
		{name: "risky", openid: "o-dan", content: "x fake-risky y", want: wechat.VerdictRisky},
		{name: "review", openid: "o-dan", content: "x fake-review y", want: wechat.VerdictReview},
		{name: "no openid", content: "hello", wantErr: wechat.ErrUpstream, wantCode: 40003},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newClient(t).MsgSecCheck(context.Background(), tt.openid, tt.content)
			checkErr(t, err, tt.wantErr, tt.wantCode)
			if got != tt.want {
				t.Errorf("verdict = %q, want %q", got, tt.want)
			}
		})
	}
}
