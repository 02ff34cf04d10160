package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
)

const template = "tmpl-application-result"

func approved(userID int64, sub *wechat.SubscribeMessage) notify.Notification {
	return notify.Notification{UserID: userID, Kind: "application_approved", Title: "入会申请已通过",
		Body: "欢迎加入工会", Data: map[string]any{"application_id": "42"}, Subscribe: sub}
}

// wakes counts the deliverer's wake-ups.
type wakes struct{ n atomic.Int32 }

func (w *wakes) Wake() { w.n.Add(1) }

// TestNotifyFollowsTransaction: the notice, its outbox message and the
// deliverer's wake-up follow the caller's transaction: nothing of a rolled
// back one, and the wake only after the commit (else the deliverer may
// look, find nothing yet and sleep until its next poll).
func TestNotifyFollowsTransaction(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		woken := &wakes{}
		svc := notify.New(notify.Deps{DB: db, Now: newClock().Now, Waker: woken})
		u := newUser(t, db)
		grant(t, svc, u.ID, template) // the rolled-back notice gives it back
		errDecision := errors.New("the decision failed")
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			if err := svc.Notify(ctx, approved(u.ID, &wechat.SubscribeMessage{TemplateID: template})); err != nil {
				return err
			}
			return errDecision
		})
		if !errors.Is(err, errDecision) {
			t.Fatal(err)
		}
		items, _, err := svc.List(ctx, u.ID, model.Page{Limit: 10})
		if err != nil || len(items) != 0 || len(outboxRows(t, db)) != 0 || woken.n.Load() != 0 {
			t.Fatalf("rolled back: %d notifications, %d outbox rows, %d wakes, %v", len(items), len(outboxRows(t, db)), woken.n.Load(), err)
		}

		err = model.InTx(ctx, db, func(ctx context.Context) error {
			if err := svc.Notify(ctx, approved(u.ID, &wechat.SubscribeMessage{TemplateID: template,
				Page: "pages/application/detail?id=42", Data: map[string]string{"thing1": "已通过"}})); err != nil {
				return err
			}
			if n := woken.n.Load(); n != 0 {
				t.Errorf("%d wakes before the commit", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := woken.n.Load(); n != 1 {
			t.Fatalf("%d wakes after the commit, want 1", n)
		}
		items, _, err = svc.List(ctx, u.ID, model.Page{Limit: 10})
		if err != nil || len(items) != 1 || items[0].Data["application_id"] != "42" || items[0].ReadAt != nil {
			t.Fatalf("committed: %+v, %v", items, err)
		}
		rows := outboxRows(t, db)
		if len(rows) != 1 || rows[0].Kind != notify.OutboxSubscribe || rows[0].Status != model.OutboxPending ||
			!strings.Contains(rows[0].Payload, u.OpenID) {
			t.Fatalf("outbox: %+v", rows)
		}

		// Without a template (none configured) only the in-app notice.
		if err := svc.Notify(ctx, approved(u.ID, &wechat.SubscribeMessage{})); err != nil {
			t.Fatal(err)
		}
		if err := svc.Notify(ctx, approved(u.ID, nil)); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.UnreadCount(ctx, u.ID); err != nil || n != 3 || len(outboxRows(t, db)) != 1 || woken.n.Load() != 1 {
			t.Fatalf("unread %d, outbox %d, wakes %d, %v", n, len(outboxRows(t, db)), woken.n.Load(), err)
		}
	})
}

func TestNotifyChecksAndCuts(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := notify.New(notify.Deps{DB: db})
		u := newUser(t, db)
		bad := []notify.Notification{
			{Kind: "k", Title: "t"},
			{UserID: u.ID, Title: "t"},
			{UserID: u.ID, Kind: strings.Repeat("k", 33), Title: "t"},
			{UserID: u.ID, Kind: "k"},
			{UserID: u.ID, Kind: "k", Title: "t", Data: map[string]any{"f": func() {}}},
		}
		for i, n := range bad {
			if err := svc.Notify(ctx, n); err == nil {
				t.Errorf("bad notification %d accepted", i)
			}
		}
		long := approved(u.ID, nil)
		long.Title = strings.Repeat("审", 150)
		long.Body = strings.Repeat("核", 600)
		if err := svc.Notify(ctx, long); err != nil {
			t.Fatal(err)
		}
		items, _, err := svc.List(ctx, u.ID, model.Page{Limit: 1})
		if err != nil || len(items) != 1 {
			t.Fatal(err)
		}
		if got := []rune(items[0].Title); len(got) != 100 {
			t.Errorf("title kept %d characters", len(got))
		}
		if got := []rune(items[0].Body); len(got) != 500 {
			t.Errorf("body kept %d characters", len(got))
		}
	})
}

func TestListAndMarkRead(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		clk := newClock()
		svc := notify.New(notify.Deps{DB: db, Now: clk.Now})
		me, other := newUser(t, db), newUser(t, db)
		for i := range 5 {
			n := approved(me.ID, nil)
			n.Title = string(rune('A' + i))
			if err := svc.Notify(ctx, n); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				clk.Advance(time.Second) // some share a time: the id orders them
			}
		}
		if err := svc.Notify(ctx, approved(other.ID, nil)); err != nil {
			t.Fatal(err)
		}
		var titles []string
		p := model.Page{Limit: 2}
		for {
			items, next, err := svc.List(ctx, me.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				titles = append(titles, it.Title)
			}
			if next == nil {
				break
			}
			if p.Cursor, err = model.DecodeCursor(*next); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(titles, ""); len(got) != 5 || got[0] != 'E' {
			t.Fatalf("pages gave %q, want all five newest first", got)
		}
		theirs, _, err := svc.List(ctx, other.ID, model.Page{Limit: 10})
		if err != nil || len(theirs) != 1 {
			t.Fatal(err)
		}
		if _, err := svc.MarkRead(ctx, me.ID, theirs[0].ID); service.KindOf(err) != service.KindNotFound {
			t.Fatalf("marking another user's notification: %v", err)
		}
		mine, _, _ := svc.List(ctx, me.ID, model.Page{Limit: 1})
		it, err := svc.MarkRead(ctx, me.ID, mine[0].ID)
		if err != nil || it.ReadAt == nil || !it.ReadAt.Equal(clk.Now()) {
			t.Fatalf("mark read: %+v, %v", it, err)
		}
		clk.Advance(time.Minute)
		again, err := svc.MarkRead(ctx, me.ID, mine[0].ID)
		if err != nil || !again.ReadAt.Equal(*it.ReadAt) {
			t.Fatalf("reading again moved read_at: %+v, %v", again, err)
		}
		if n, err := svc.UnreadCount(ctx, me.ID); err != nil || n != 4 {
			t.Fatalf("unread %d, %v", n, err)
		}
	})
}
