package notify_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
)

// balance reads the user's ledger balance for template.
func balance(t *testing.T, db *gorm.DB, userID int64, template string) int {
	t.Helper()
	b, err := model.NewSubscriptionStore(db).Balances(context.Background(), userID, []string{template})
	if err != nil {
		t.Fatal(err)
	}
	return b[template]
}

func TestLedgerGatesSubscribeMessages(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := notify.New(notify.Deps{DB: db, Now: newClock().Now})
		u := newUser(t, db)
		send := func() {
			t.Helper()
			if err := svc.Notify(ctx, approved(u.ID, &wechat.SubscribeMessage{TemplateID: template})); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			name    string
			answer  string // "" sends a notice instead
			balance int
			outbox  int
		}{
			{"no subscription: in-app only", "", 0, 0},
			{"accept grants one", notify.SubscribeAccept, 1, 0},
			{"the notice uses it", "", 0, 1},
			{"used up: in-app only", "", 0, 1},
			{"two accepts", notify.SubscribeAccept, 1, 1},
			{"second accept", notify.SubscribeAccept, 2, 1},
			{"filter changes nothing", notify.SubscribeFilter, 2, 1},
			{"reject zeroes", notify.SubscribeReject, 0, 1},
			{"after reject: in-app only", "", 0, 1},
			{"accept again", notify.SubscribeAccept, 1, 1},
			{"ban zeroes", notify.SubscribeBan, 0, 1},
		}
		notices := 0
		for _, st := range steps {
			if st.answer == "" {
				send()
				notices++
			} else {
				got, err := svc.Subscribe(ctx, u.ID, map[string]string{template: st.answer, "errMsg": "requestSubscribeMessage:ok"})
				if err != nil || got[template] != st.balance || len(got) != 1 {
					t.Fatalf("%s: remaining %v, %v", st.name, got, err)
				}
			}
			if b, n := balance(t, db, u.ID, template), len(outboxRows(t, db)); b != st.balance || n != st.outbox {
				t.Fatalf("%s: balance %d outbox %d, want %d and %d", st.name, b, n, st.balance, st.outbox)
			}
		}
		if n, err := svc.UnreadCount(ctx, u.ID); err != nil || int(n) != notices {
			t.Fatalf("%d in-app notices, want %d (every notice is written): %v", n, notices, err)
		}
	})
}

func TestSubscribeChecksResults(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc := notify.New(notify.Deps{DB: db})
		many := map[string]string{}
		for i := range notify.MaxSubscribeTemplates + 1 {
			many[string(rune('a'+i))] = notify.SubscribeAccept
		}
		cases := []struct {
			name    string
			results map[string]string
			field   string
		}{
			{"empty", map[string]string{}, "results"},
			{"only errMsg", map[string]string{"errMsg": "requestSubscribeMessage:ok"}, "results"},
			{"unknown answer", map[string]string{"tmpl": "maybe"}, "results.tmpl"},
			{"bad template id", map[string]string{"a b": notify.SubscribeAccept}, "results"},
			{"too many", many, "results"},
		}
		for _, c := range cases {
			_, err := svc.Subscribe(context.Background(), 1, c.results)
			var se *service.Error
			if !asError(err, &se) || se.Kind != service.KindInvalid || len(se.Fields) == 0 || se.Fields[0].Field != c.field {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if b := balance(t, db, 1, "tmpl"); b != 0 {
			t.Fatalf("a refused report changed the ledger: %d", b)
		}
	})
}

func TestDelivery43101ZeroesTheBalance(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := newClock()
		d := notify.NewDeliverer(notify.DelivererDeps{DB: db, Sender: newWeChat(t), Now: clk.Now}, notify.DelivererConfig{})
		svc := notify.New(notify.Deps{DB: db, Now: clk.Now})
		u := newUser(t, db)
		grant(t, svc, u.ID, template) // the ledger believes two, WeChat knows none
		notifyOne(t, svc, u)
		if b := balance(t, db, u.ID, template); b != 1 {
			t.Fatalf("balance %d before the send, want 1", b)
		}
		fake.FailNext(subscribePath, 1, 43101)
		runOnce(t, d, 1)
		if b := balance(t, db, u.ID, template); b != 0 {
			t.Fatalf("balance %d after WeChat answered 43101, want 0", b)
		}
		notifyOne(t, svc, u) // accepted again: sent again
		if b := balance(t, db, u.ID, template); b != 0 || len(outboxRows(t, db)) != 2 {
			t.Fatalf("balance %d, outbox %d", b, len(outboxRows(t, db)))
		}
	})
}
