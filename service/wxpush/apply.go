package wxpush

import (
	"context"
	"errors"
	"strings"

	"github.com/unionhub/unionhub/model"
)

// PhoneScope is the RevokeInfo value of the phone-number authorisation
// (getPhoneNumber). Checked against WeChat's mini-program documentation of
// the event, 授权用户信息变更 (authorized_user_information_changes,
// developers.weixin.qq.com/miniprogram/dev/server/event_push/platform/
// authorized_user_information_changes), whose Body.RevokeInfo enum lists
// 1 车牌号, 2 地址, 3 发票信息, 4 蓝牙, 5 麦克风, 6 昵称和头像, 7 摄像头,
// 8 手机号, 12 微信运动步数, 13 位置信息, 14–20 (media, files, e-mail,
// chosen location, nickname and avatar components). The 2xx values (201
// 地址 …) belong to 服务号 web pages and 301 to mobile apps, not to
// mini-programs. The documentation shows one value per event; the parser
// accepts a comma-separated list too, in case WeChat batches them.
const PhoneScope = "8"

// errNotSubscribed is 43101, the sent event's "user refused".
const errNotSubscribed = "43101"

// apply carries out m's effect in the transaction in ctx. An event about
// a user UnionHub does not know, or of a kind it does not act on, changes
// nothing (its key is still recorded).
func (r *Receiver) apply(ctx context.Context, m *Message) error {
	switch m.Event {
	case EventAuthorizationRevoke, EventAuthorizationCancellation, EventSubscribePopup, EventSubscribeChange, EventSubscribeSent:
	default:
		return nil
	}
	u, err := r.users.GetByOpenID(ctx, m.user())
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch m.Event {
	case EventAuthorizationRevoke:
		if revokesPhone(m.RevokeInfo) {
			return r.session.ClearPhone(ctx, u.ID)
		}
	case EventAuthorizationCancellation:
		return r.cancel(ctx, u.ID)
	default:
		return r.subscriptions(ctx, u.ID, m)
	}
	return nil
}

func revokesPhone(info string) bool {
	for _, s := range strings.FieldsFunc(info, func(r rune) bool { return r == ',' || r == ' ' || r == '|' }) {
		if s == PhoneScope {
			return true
		}
	}
	return false
}

// cancel starts the deactivation WeChat asks for, without cooling-off:
// the request is recorded (or the user's pending one made due), due now,
// and every session ends at once. The deletion itself is the periodic
// task of service/account, which carries out the pending requests whose
// effective_at has passed.
func (r *Receiver) cancel(ctx context.Context, userID int64) error {
	pending, err := r.deacts.Pending(ctx, userID)
	if err != nil {
		return err
	}
	now := r.now().UTC()
	if len(pending) == 0 {
		if err := r.deacts.Create(ctx, &model.DeactivationRequest{ID: model.NewID(), UserID: userID, RequestedAt: now,
			EffectiveAt: now, Source: model.DeactivationSourceWeChat, Status: model.DeactivationPending}); err != nil {
			return err
		}
	} else if _, err := r.deacts.DueNow(ctx, userID, now); err != nil {
		// The user's own request, still in its cooling-off: WeChat's
		// cancellation has none.
		return err
	}
	return r.session.RevokeAll(ctx, userID, "wechat_cancellation")
}

// subscriptions keeps the ledger right. A reject (popup or change event)
// zeroes the template's balance, and so does a send that failed with
// 43101. A popup's accept adds nothing: the mini-program reports the same
// answer through POST /me/subscriptions, which counts it, and counting
// both would promise WeChat a message it will refuse.
func (r *Receiver) subscriptions(ctx context.Context, userID int64, m *Message) error {
	for _, it := range m.List {
		if it.TemplateID == "" {
			continue
		}
		var err error
		switch {
		case m.Event == EventSubscribeSent && strings.TrimSpace(it.ErrorCode) == errNotSubscribed:
			err = r.ledger.ZeroSubscription(ctx, userID, it.TemplateID)
		case m.Event != EventSubscribeSent && it.Status == "reject":
			err = r.ledger.ApplyAnswer(ctx, userID, it.TemplateID, it.Status)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
