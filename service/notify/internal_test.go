package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/wechat"
)

func TestBackoff(t *testing.T) {
	cfg := DelivererConfig{}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := cfg.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := cfg.Backoff(19); got != 10*time.Minute {
		t.Errorf("Backoff(19) = %v, want the 10 min cap", got)
	}
	for range 1000 {
		if j := jitter(8 * time.Second); j < 4*time.Second || j > 8*time.Second {
			t.Fatalf("jitter(8s) = %v", j)
		}
	}
}

func TestScrub(t *testing.T) {
	cases := []struct{ in, want string }{
		{`Post "https://api.weixin.qq.com/cgi-bin/message/subscribe/send?access_token=79_abc": EOF`,
			`Post "https://api.weixin.qq.com/cgi-bin/message/subscribe/send?access_token=***": EOF`},
		{`{"secret":"s3cr3t","code": "0a1b"}`, `{"secret":"***","code": "***"}`},
		{`errcode=-1 errmsg=system error`, `errcode=-1 errmsg=system error`},
		{strings.Repeat("错", 300), strings.Repeat("错", 255)},
	}
	for _, c := range cases {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// okSender accepts every message.
type okSender struct{}

func (okSender) SendSubscribe(context.Context, wechat.SubscribeMessage) error { return nil }

func TestRunPollsWakesAndStops(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		d := NewDeliverer(DelivererDeps{DB: db, Sender: okSender{}}, DelivererConfig{})
		polls := make(chan time.Time)
		d.after = func(time.Duration) <-chan time.Time { return polls }
		passes := make(chan int)
		d.passed = func(n int) { passes <- n }
		svc := New(Deps{DB: db, Waker: d})
		quiet := New(Deps{DB: db}) // wakes nobody: its message waits for a poll
		note := func(svc *Service) {
			if _, err := svc.Subscribe(context.Background(), 1, map[string]string{"tmpl": SubscribeAccept}); err != nil {
				t.Fatal(err)
			}
			err := svc.Notify(context.Background(), Notification{UserID: 1, Kind: "k", Title: "t",
				Subscribe: &wechat.SubscribeMessage{ToUser: "o_run", TemplateID: "tmpl"}})
			if err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx, time.Hour); close(done) }()
		if n := <-passes; n != 0 {
			t.Fatalf("first pass sent %d", n)
		}
		note(svc) // wakes the deliverer after its commit
		if n := <-passes; n != 1 {
			t.Fatalf("woken pass sent %d", n)
		}
		note(quiet)
		polls <- time.Now()
		if n := <-passes; n != 1 {
			t.Fatalf("polled pass sent %d", n)
		}
		cancel()
		<-done
	})
}
