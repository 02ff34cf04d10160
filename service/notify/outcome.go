package notify

import (
	"context"
	"errors"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/wechat"
)

// subscribePayload is an outbox row's payload for OutboxSubscribe.
type subscribePayload struct {
	NotificationID int64             `json:"notification_id,string"`
	UserID         int64             `json:"user_id,string,omitempty"`
	ToUser         string            `json:"touser"`
	TemplateID     string            `json:"template_id"`
	Page           string            `json:"page,omitempty"`
	Data           map[string]string `json:"data"`
}

func (p subscribePayload) message() wechat.SubscribeMessage {
	return wechat.SubscribeMessage{ToUser: p.ToUser, TemplateID: p.TemplateID, Page: p.Page, Data: p.Data}
}

var errBadPayload = errors.New("notify: outbox payload is not a subscribe message")

// outcome is what one attempt did to a message.
type outcome struct {
	status  string
	next    time.Time
	lastErr *string
	sentAt  *time.Time
}

// outcome decides the message's state after attempt ended with err: sent;
// dead when WeChat refuses it for good; failed after the last attempt;
// otherwise pending again after a backoff.
func (d *Deliverer) outcome(m *model.OutboxMessage, attempt int, err error) outcome {
	now := d.now()
	if err == nil {
		return outcome{status: model.OutboxSent, next: m.NextAttemptAt, sentAt: &now}
	}
	msg := scrub(err.Error())
	switch {
	case permanent(err):
		return outcome{status: model.OutboxDead, next: m.NextAttemptAt, lastErr: &msg}
	case attempt >= d.cfg.MaxAttempts:
		return outcome{status: model.OutboxFailed, next: m.NextAttemptAt, lastErr: &msg}
	}
	return outcome{status: model.OutboxPending, next: now.Add(jitter(d.cfg.Backoff(attempt))), lastErr: &msg}
}

func (d *Deliverer) logOutcome(ctx context.Context, id int64, attempt int, o outcome) {
	switch o.status {
	case model.OutboxSent:
		d.log.DebugContext(ctx, "subscribe message sent", "outbox_id", id, "attempt", attempt)
	case model.OutboxDead:
		d.log.InfoContext(ctx, "subscribe message refused for good", "outbox_id", id, "err", *o.lastErr)
	case model.OutboxFailed:
		d.log.ErrorContext(ctx, "subscribe message given up", "outbox_id", id, "attempt", attempt, "err", *o.lastErr)
	default:
		d.log.WarnContext(ctx, "subscribe message will be retried", "outbox_id", id, "attempt", attempt,
			"next_attempt_at", o.next, "err", *o.lastErr)
	}
}

// permanentCodes are WeChat errcodes that no retry can cure: invalid
// openid (40003), invalid template (40037), bad template data (47003),
// bad page (41030).
var permanentCodes = map[int]bool{40003: true, 40037: true, 47003: true, 41030: true}

// permanent reports whether err refuses the message for good: the user has
// not subscribed (43101) or is blocked, or the message itself is wrong.
func permanent(err error) bool {
	if errors.Is(err, wechat.ErrNotSubscribed) || errors.Is(err, wechat.ErrUserBlocked) || errors.Is(err, errBadPayload) {
		return true
	}
	var we *wechat.Error
	return errors.As(err, &we) && permanentCodes[we.Code]
}

// jitter returns a random wait between half of d and d, so that messages
// failed together do not all retry together.
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// secret matches credentials as URLs and JSON carry them. The WeChat
// client scrubs its errors already; this guards the table against any
// other sender.
var secret = regexp.MustCompile(`\b((?:access_token|secret|js_code|code)["']?\s*[=:]\s*["']?)[^&\s"',}]+`)

// scrub hides credentials in s and cuts it to the last_error column (255
// characters).
func scrub(s string) string {
	return clip(secret.ReplaceAllString(s, "${1}***"), 255)
}
