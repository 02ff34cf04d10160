package wechat

import (
	"context"

	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
)

// SubscribeMessage is one subscribe (订阅) message to a user.
type SubscribeMessage struct {
	ToUser     string // the recipient's openid
	TemplateID string
	Page       string            // the page the message opens, with query, e.g. "pages/app/detail?id=1"
	Data       map[string]string // template keyword (e.g. "thing1") → value
}

// SendSubscribe sends msg. It returns ErrNotSubscribed when the user has
// not accepted the template (a retry will not help), ErrRateLimited or
// ErrUpstream.
func (c *Client) SendSubscribe(ctx context.Context, msg SubscribeMessage) error {
	m := &subscribe.Message{
		ToUser:           msg.ToUser,
		TemplateID:       msg.TemplateID,
		Page:             msg.Page,
		Data:             make(map[string]*subscribe.DataItem, len(msg.Data)),
		MiniprogramState: "formal",
		Lang:             "zh_CN",
	}
	for k, v := range msg.Data {
		m.Data[k] = &subscribe.DataItem{Value: v}
	}
	return c.withToken(ctx, "subscribe_send", func(ctx context.Context) error {
		if err := c.token(ctx); err != nil {
			return err
		}
		// Subscribe.Send takes no context.
		_, err := async(ctx, func() (struct{}, error) {
			return struct{}{}, c.mp.GetSubscribe().Send(m)
		})
		return err
	})
}
