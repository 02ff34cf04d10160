package notify_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// notifyOne writes one notification with a subscribe message for u, who
// accepted one subscription to the template first.
func notifyOne(t *testing.T, svc *notify.Service, u *model.User) {
	t.Helper()
	grant(t, svc, u.ID, template)
	err := svc.Notify(context.Background(), approved(u.ID, &wechat.SubscribeMessage{TemplateID: template,
		Page: "pages/application/detail?id=42", Data: map[string]string{"thing1": "已通过", "time2": "2026-11-27"}}))
	if err != nil {
		t.Fatal(err)
	}
}

func runOnce(t *testing.T, d *notify.Deliverer, want int) {
	t.Helper()
	n, err := d.RunOnce(context.Background())
	if err != nil || n != want {
		t.Fatalf("RunOnce: tried %d (want %d), %v", n, want, err)
	}
}

func TestDeliverRetriesUntilWeChatAnswers(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := newClock()
		cfg := notify.DelivererConfig{}
		d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: newWeChat(t), Now: clk.Now}, cfg)
		svc := notify.New(notify.Deps{DB: db, Now: clk.Now, Waker: d})
		u := newUser(t, db)
		notifyOne(t, svc, u)
		fake.FailNext(subscribePath, 2, -1) // WeChat is down for two calls

		runOnce(t, d, 1)
		row := outboxRows(t, db)[0]
		if row.Status != model.OutboxPending || row.Attempts != 1 || row.LastError == nil || row.LeaseUntil != nil {
			t.Fatalf("after a failure: %+v", row)
		}
		if wait := row.NextAttemptAt.Sub(clk.Now()); wait < cfg.Backoff(1)/2 || wait > cfg.Backoff(1) {
			t.Fatalf("retry in %v, want between %v and %v", wait, cfg.Backoff(1)/2, cfg.Backoff(1))
		}
		if strings.Contains(*row.LastError, fakewechat.DefaultSecret) || strings.Contains(*row.LastError, "access_token=") &&
			!strings.Contains(*row.LastError, "access_token=***") {
			t.Fatalf("last_error holds a credential: %s", *row.LastError)
		}
		runOnce(t, d, 0) // not due yet
		clk.Advance(cfg.Backoff(1))
		runOnce(t, d, 1)
		clk.Advance(cfg.Backoff(2))
		runOnce(t, d, 1)
		row = outboxRows(t, db)[0]
		if row.Status != model.OutboxSent || row.Attempts != 3 || row.SentAt == nil {
			t.Fatalf("after WeChat answered: %+v", row)
		}
		sent := sentTo(u.OpenID)
		if len(sent) != 1 || sent[0].TemplateID != template || sent[0].Page != "pages/application/detail?id=42" ||
			sent[0].Data["thing1"] != "已通过" {
			t.Fatalf("sent %+v", sent)
		}
		clk.Advance(time.Hour)
		runOnce(t, d, 0)
		if len(sentTo(u.OpenID)) != 1 {
			t.Fatal("a sent message was sent again")
		}
	})
}

func TestDeliverNotSubscribedIsFinal(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := newClock()
		d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: newWeChat(t), Now: clk.Now}, notify.DelivererConfig{})
		svc := notify.New(notify.Deps{DB: db, Now: clk.Now})
		u := newUser(t, db)
		notifyOne(t, svc, u)
		fake.FailNext(subscribePath, 1, 43101)
		before := fake.Count(subscribePath)
		runOnce(t, d, 1)
		row := outboxRows(t, db)[0]
		if row.Status != model.OutboxDead || row.Attempts != 1 || row.LastError == nil || !strings.Contains(*row.LastError, "43101") {
			t.Fatalf("after 43101: %+v", row)
		}
		clk.Advance(24 * time.Hour)
		runOnce(t, d, 0)
		if got := fake.Count(subscribePath) - before; got != 1 || len(sentTo(u.OpenID)) != 0 {
			t.Fatalf("%d calls, %d messages: 43101 must not be retried", got, len(sentTo(u.OpenID)))
		}
		// The in-app notice stands.
		if n, err := svc.UnreadCount(context.Background(), u.ID); err != nil || n != 1 {
			t.Fatalf("unread %d, %v", n, err)
		}
	})
}

// stubSender answers every send with err; a nil err blocks until the
// call's context ends and reports whether it had a deadline.
type stubSender struct {
	err         error
	hadDeadline bool
}

func (s *stubSender) SendSubscribe(ctx context.Context, _ wechat.SubscribeMessage) error {
	if s.err != nil {
		return s.err
	}
	_, s.hadDeadline = ctx.Deadline()
	<-ctx.Done()
	return fmt.Errorf("%w: %w", wechat.ErrUpstream, ctx.Err())
}

func TestDeliverOutcomes(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status string
	}{
		{"invalid template is final", fmt.Errorf("wechat: subscribe_send: %w", &wechat.Error{Code: 40037, Msg: "invalid template_id"}), model.OutboxDead},
		{"invalid openid is final", &wechat.Error{Code: 40003, Msg: "invalid openid"}, model.OutboxDead},
		{"blocked user is final", wechat.ErrUserBlocked, model.OutboxDead},
		{"rate limit is retried", &wechat.Error{Code: 45011, Msg: "api minute-quota reach limit"}, model.OutboxPending},
		{"system busy is retried", &wechat.Error{Code: -1, Msg: "system error"}, model.OutboxPending},
		{"a timeout is retried", nil, model.OutboxPending},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := db.Exec("DELETE FROM outbox").Error; err != nil {
					t.Fatal(err)
				}
				clk := newClock()
				s := &stubSender{err: c.err}
				d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: s, Now: clk.Now},
					notify.DelivererConfig{SendTimeout: time.Millisecond})
				notifyOne(t, notify.New(notify.Deps{DB: db, Now: clk.Now}), newUser(t, db))
				runOnce(t, d, 1)
				if row := outboxRows(t, db)[0]; row.Status != c.status || row.LastError == nil {
					t.Fatalf("%+v, want status %s", row, c.status)
				}
				if c.err == nil && !s.hadDeadline {
					t.Fatal("the send had no deadline")
				}
			})
		}
	})
}

func TestDeliverGivesUpAfterMaxAttempts(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := newClock()
		cfg := notify.DelivererConfig{MaxAttempts: 3}
		s := &stubSender{err: &wechat.Error{Code: -1, Msg: "system error"}}
		d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: s, Now: clk.Now}, cfg)
		notifyOne(t, notify.New(notify.Deps{DB: db, Now: clk.Now}), newUser(t, db))
		for i := 1; i <= 3; i++ {
			runOnce(t, d, 1)
			clk.Advance(cfg.Backoff(i))
		}
		runOnce(t, d, 0)
		if row := outboxRows(t, db)[0]; row.Status != model.OutboxFailed || row.Attempts != 3 {
			t.Fatalf("%+v", row)
		}
	})
}

func TestTwoNodesDeliverEachMessageOnce(t *testing.T) {
	modeltest.EachTwoNodes(t, func(t *testing.T, dbA, dbB *gorm.DB) {
		clk := newClock()
		svc := notify.New(notify.Deps{DB: dbA, Now: clk.Now})
		const n = 50
		users := make([]*model.User, n)
		for i := range users {
			users[i] = newUser(t, dbA)
			notifyOne(t, svc, users[i])
		}
		fake.FailNext(subscribePath, 5, -1) // a few fail and are retried
		nodes := []*notify.Deliverer{
			notify.NewDeliverer(notify.DelivererDeps{DB: dbA, Sender: newWeChat(t), Now: clk.Now}, notify.DelivererConfig{Batch: 7}),
			notify.NewDeliverer(notify.DelivererDeps{DB: dbB, Sender: newWeChat(t), Now: clk.Now}, notify.DelivererConfig{Batch: 7}),
		}
		for round := 0; round < 3; round++ {
			var wg sync.WaitGroup
			for _, d := range nodes {
				wg.Go(func() {
					if _, err := d.RunOnce(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			clk.Advance(notify.DelivererConfig{}.Backoff(1))
		}
		for _, u := range users {
			if got := len(sentTo(u.OpenID)); got != 1 {
				t.Fatalf("user %d got %d messages, want 1", u.ID, got)
			}
		}
		for _, row := range outboxRows(t, dbA) {
			if row.Status != model.OutboxSent {
				t.Fatalf("row %+v not sent", row)
			}
		}
	})
}
