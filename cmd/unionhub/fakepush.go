package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// fakePushCmd pushes one WeChat event to a server, signed (and with an AES
// key encrypted) as WeChat does, for local development.
func fakePushCmd(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("unionhub fakewechat push", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var t fakewechat.PushTarget
	var ev fakewechat.PushEvent
	var tmpl, status, errCode string
	fs.StringVar(&t.URL, "url", "http://127.0.0.1:8080/api/v1/wechat/push", "the push URL")
	fs.StringVar(&t.Token, "token", "", "the push token (UNIONHUB_WECHAT_PUSH_TOKEN)")
	fs.StringVar(&t.AESKey, "aes-key", "", "the EncodingAESKey: safe mode (UNIONHUB_WECHAT_PUSH_AES_KEY)")
	fs.StringVar(&t.AppID, "appid", fakewechat.DefaultAppID, "the mini-program's appid")
	fs.BoolVar(&t.XML, "xml", false, "send XML instead of JSON")
	fs.StringVar(&ev.Event, "event", "", "user_authorization_cancellation, user_authorization_revoke, subscribe_msg_popup_event, subscribe_msg_change_event or subscribe_msg_sent_event")
	fs.StringVar(&ev.OpenID, "openid", "", "the user's openid")
	fs.StringVar(&ev.RevokeInfo, "revoke-info", "", "user_authorization_revoke: the revoked scopes")
	fs.StringVar(&tmpl, "template", "", "subscribe events: the template id")
	fs.StringVar(&status, "status", "reject", "popup and change events: accept or reject")
	fs.StringVar(&errCode, "error-code", "0", "sent events: the send's error code, e.g. 43101")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if t.Token == "" || ev.Event == "" || ev.OpenID == "" {
		return errors.New("fakewechat push: --token, --event and --openid are required")
	}
	if tmpl != "" {
		ev.Templates = []fakewechat.PushTemplate{{TemplateID: tmpl, Status: status, ErrorCode: errCode}}
	}
	code, body, err := fakewechat.Push(ctx, &http.Client{Timeout: 10 * time.Second}, t, ev)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d %s\n", code, body)
	if code != http.StatusOK {
		return fmt.Errorf("fakewechat push: the server answered %d", code)
	}
	return nil
}
