package application

import (
	"context"

	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
)

// Notices tells users through the notification service: the in-app notice
// and, when a template is configured, a WeChat subscribe message queued in
// the outbox of the same transaction.
type Notices struct {
	Service  *notify.Service
	Template string // UNIONHUB_WECHAT_TEMPLATE_APPLICATION_RESULT; empty: no WeChat message
}

// Notify records n in the caller's transaction; the deliverer is woken,
// and delivers, after the commit.
func (t Notices) Notify(ctx context.Context, n Notice) error {
	out := notify.Notification{UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, Data: n.Data}
	if t.Template != "" && n.TemplateData != nil {
		out.Subscribe = &wechat.SubscribeMessage{ToUser: n.OpenID, TemplateID: t.Template, Page: n.Page, Data: n.TemplateData}
	}
	return t.Service.Notify(ctx, out)
}
