// Package notify tells users what happened to their affairs: an in-app
// notification, readable at once, and optionally a WeChat subscribe
// message. Both are written in the caller's transaction, so they exist
// exactly when the decision they report commits; the WeChat message goes
// through the outbox table and a Deliverer sends it after commit, with
// retries, so a WeChat outage never blocks or rolls back a decision and
// loses no message.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/wechat"
)

// OutboxSubscribe is the outbox kind of a WeChat subscribe message.
const OutboxSubscribe = "wechat_subscribe"

// Column sizes of the notifications table; longer titles and bodies are
// cut, so that a long text never fails the decision it reports.
const (
	maxTitle = 100
	maxBody  = 500
	maxKind  = 32
)

// Notification is a notice to one user.
type Notification struct {
	UserID int64
	Kind   string // e.g. "application_approved"; at most 32 bytes
	Title  string // cut to 100 characters
	Body   string // cut to 500 characters
	Data   map[string]any
	// Subscribe is the WeChat subscribe message to send as well; nil or
	// without a TemplateID (none configured) sends none, and so does a
	// user without a one-time subscription left for the template (the
	// ledger, API.md §10): the notice is then in-app only. An empty ToUser
	// is filled with the user's openid.
	Subscribe *wechat.SubscribeMessage
}

// Item is a stored notification.
type Item struct {
	ID        int64
	Kind      string
	Title     string
	Body      string
	Data      map[string]any
	ReadAt    *time.Time
	CreatedAt time.Time
}

// Waker is told that outbox messages were committed (the Deliverer).
type Waker interface{ Wake() }

// Deps are the collaborators of the service.
type Deps struct {
	DB    *gorm.DB
	Now   func() time.Time // nil: time.Now
	Waker Waker            // nil: delivery waits for the next poll
}

// Service writes and reads notifications.
type Service struct {
	db     *gorm.DB
	notes  *model.NotificationStore
	subs   *model.SubscriptionStore
	outbox *model.OutboxStore
	users  *model.UserStore
	now    func() time.Time
	waker  Waker
}

// New returns the notification service.
func New(d Deps) *Service {
	return &Service{db: d.DB, notes: model.NewNotificationStore(d.DB), subs: model.NewSubscriptionStore(d.DB), outbox: model.NewOutboxStore(d.DB),
		users: model.NewUserStore(d.DB), now: utc(d.Now), waker: d.Waker}
}

// ErrNotFound is a notification that does not exist or is another user's.
var ErrNotFound = service.E(service.KindNotFound, "没有找到该消息")

// Notify writes n, and its subscribe message to the outbox, through the
// transaction in ctx (model.InTx) when there is one: they commit or roll
// back with the caller's change. The subscribe message is queued only when
// the user's balance for its template gives one, taken in the same
// transaction. It makes no WeChat call: the Deliverer is woken once the
// outermost transaction commits (model.AfterCommit), so it finds the
// message, and never for one rolled back.
func (s *Service) Notify(ctx context.Context, n Notification) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error { return s.notify(ctx, n) })
}

func (s *Service) notify(ctx context.Context, n Notification) error {
	if n.UserID <= 0 || n.Kind == "" || len(n.Kind) > maxKind || n.Title == "" {
		return fmt.Errorf("notify: notification needs a user, a kind of 1 to %d bytes and a title", maxKind)
	}
	data, err := json.Marshal(orEmpty(n.Data))
	if err != nil {
		return fmt.Errorf("notify: data of %s: %w", n.Kind, err)
	}
	now := s.now()
	note := &model.Notification{ID: model.NewID(), UserID: n.UserID, Kind: n.Kind,
		Title: clip(n.Title, maxTitle), Body: clip(n.Body, maxBody), Data: string(data), CreatedAt: now}
	if err := s.notes.Create(ctx, note); err != nil {
		return err
	}
	if n.Subscribe == nil || n.Subscribe.TemplateID == "" {
		return nil
	}
	used, err := s.subs.Use(ctx, n.UserID, n.Subscribe.TemplateID, now)
	if err != nil || !used {
		return err
	}
	msg := *n.Subscribe
	if msg.ToUser == "" {
		u, err := s.users.Get(ctx, n.UserID)
		if err != nil {
			return fmt.Errorf("notify: recipient %d: %w", n.UserID, err)
		}
		msg.ToUser = u.OpenID
	}
	payload, err := json.Marshal(subscribePayload{NotificationID: note.ID, UserID: n.UserID, ToUser: msg.ToUser,
		TemplateID: msg.TemplateID, Page: msg.Page, Data: msg.Data})
	if err != nil {
		return err
	}
	if err := s.outbox.Create(ctx, &model.OutboxMessage{ID: model.NewID(), Kind: OutboxSubscribe,
		Payload: string(payload), Status: model.OutboxPending, NextAttemptAt: now, CreatedAt: now}); err != nil {
		return err
	}
	model.AfterCommit(ctx, func(context.Context) { s.Wake() })
	return nil
}

// Wake asks the Deliverer to look at the outbox now; Notify calls it after
// the transaction that queued a message commits. Best effort: other nodes
// poll.
func (s *Service) Wake() {
	if s.waker != nil {
		s.waker.Wake()
	}
}

// List returns one page of the user's notifications, newest first, and
// the cursor of the next page (nil on the last).
func (s *Service) List(ctx context.Context, userID int64, p model.Page) ([]Item, *string, error) {
	rows, next, err := s.notes.List(ctx, userID, p)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Item, len(rows))
	for i := range rows {
		out[i] = toItem(&rows[i])
	}
	return out, next, nil
}

// MarkRead marks the user's notification id read (reading it again keeps
// the first time) and returns it; ErrNotFound for another user's.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) (*Item, error) {
	n, err := s.notes.MarkRead(ctx, userID, id, s.now())
	if errors.Is(err, model.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	it := toItem(n)
	return &it, nil
}

// UnreadCount returns how many of the user's notifications are unread.
func (s *Service) UnreadCount(ctx context.Context, userID int64) (int64, error) {
	return s.notes.CountUnread(ctx, userID)
}

func toItem(n *model.Notification) Item {
	it := Item{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
	if err := json.Unmarshal([]byte(n.Data), &it.Data); err != nil || it.Data == nil {
		it.Data = map[string]any{}
	}
	return it
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// clip cuts s to at most n characters (and mends invalid UTF-8, which
// MySQL would refuse).
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// utc returns now's time in UTC, to the microsecond the database keeps.
func utc(now func() time.Time) func() time.Time {
	if now == nil {
		now = time.Now
	}
	return func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}
