package wechat_test

import (
	"context"

	"github.com/unionhub/unionhub/service/wechat"
)

// op is one adapter method, called with fresh valid inputs.
type op struct {
	name  string
	path  string // the WeChat path it calls
	token bool   // whether it sends an access token
	// run calls the method and returns the user code it used ("" if none).
	run func(ctx context.Context, c *wechat.Client) (code string, err error)
}

func allOps() []op {
	return []op{
		{"Code2Session", "/sns/jscode2session", false, func(ctx context.Context, c *wechat.Client) (string, error) {
			code := fake.IssueLoginCode("o-op", "u-op")
			_, err := c.Code2Session(ctx, code)
			return code, err
		}},
		{"PhoneNumber", "/wxa/business/getuserphonenumber", true, func(ctx context.Context, c *wechat.Client) (string, error) {
			code := fake.IssuePhoneCode("13800138000")
			_, err := c.PhoneNumber(ctx, code)
			return code, err
		}},
		{"SendSubscribe", "/cgi-bin/message/subscribe/send", true, func(ctx context.Context, c *wechat.Client) (string, error) {
			return "", c.SendSubscribe(ctx, wechat.SubscribeMessage{
				ToUser: "o-op", TemplateID: "tpl-op", Data: map[string]string{"thing1": "ok"},
			})
		}},
		{"WXACodeUnlimit", "/wxa/getwxacodeunlimit", true, func(ctx context.Context, c *wechat.Client) (string, error) {
			_, _, err := c.WXACodeUnlimit(ctx, "o=1", "pages/join/index", 280)
			return "", err
		}},
		{"MsgSecCheck", "/wxa/msg_sec_check", true, func(ctx context.Context, c *wechat.Client) (string, error) {
			_, err := c.MsgSecCheck(ctx, "o-op", "我在工地上班")
			return "", err
		}},
	}
}

func tokenOps() []op {
	var out []op
	for _, o := range allOps() {
		if o.token {
			out = append(out, o)
		}
	}
	return out
}
