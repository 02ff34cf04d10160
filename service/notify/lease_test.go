package notify_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
)

// stuckSender holds every send until released.
type stuckSender struct {
	entered, release chan struct{}
}

func (s *stuckSender) SendSubscribe(context.Context, wechat.SubscribeMessage) error {
	close(s.entered)
	<-s.release
	return nil
}

func TestDeliverLeaseExpiryHandsOver(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := newClock()
		cfg := notify.DelivererConfig{Lease: time.Minute}
		stuck := &stuckSender{entered: make(chan struct{}), release: make(chan struct{})}
		slow := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: stuck, Now: clk.Now}, cfg)
		fast := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: newWeChat(t), Now: clk.Now}, cfg)
		u := newUser(t, db)
		notifyOne(t, notify.New(notify.Deps{DB: db, Now: clk.Now}), u)

		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := slow.RunOnce(context.Background())
			done <- result{n, err}
		}()
		<-stuck.entered
		runOnce(t, fast, 0) // leased to the slow node
		clk.Advance(time.Minute + time.Second)
		runOnce(t, fast, 1) // the lease ran out: the fast node takes over
		close(stuck.release)
		if r := <-done; r.n != 1 || r.err != nil {
			t.Fatalf("slow node: %+v", r)
		}
		row := outboxRows(t, db)[0]
		if row.Status != model.OutboxSent || row.Attempts != 2 {
			t.Fatalf("the slow node's late outcome overwrote the take-over: %+v", row)
		}
		if got := len(sentTo(u.OpenID)); got != 1 {
			t.Fatalf("%d messages via WeChat", got)
		}
	})
}
