package node

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/wxpush"
)

// pushKeyAge is how long an applied push event's key is kept: far longer
// than the 5-minute timestamp window, past which a replay is refused anyway.
const pushKeyAge = 24 * time.Hour

// newPush builds the WeChat push receiver, or nil when no push token is
// configured (the route then answers 404, and the node says so: WeChat's
// cancellation and revocation events are not received).
func newPush(env service.Env, cfg config.Config, db *gorm.DB, ident *identity.Service, bg *background) (*wxpush.Receiver, error) {
	if cfg.WeChat.PushToken == "" {
		env.Log.Warn("UNIONHUB_WECHAT_PUSH_TOKEN is not set: WeChat message push (authorisation cancellations and revocations, subscribe events) is off")
		return nil, nil
	}
	r, err := wxpush.New(env, wxpush.Deps{DB: db, Sessions: ident, Ledger: bg.Notify},
		wxpush.Config{Token: cfg.WeChat.PushToken, AESKey: cfg.Keys.WeChatPushAESKey, AppID: cfg.WeChat.AppID})
	if err != nil {
		return nil, fmt.Errorf("UNIONHUB_WECHAT_PUSH_AES_KEY: %w", err)
	}
	bg.Runner.Every("wechat_push_purge", time.Hour, func(ctx context.Context) error {
		_, err := r.Purge(ctx, pushKeyAge)
		return err
	})
	return r, nil
}
