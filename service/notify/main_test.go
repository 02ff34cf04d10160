package notify_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// subscribePath is the fake's subscribe-message endpoint.
const subscribePath = "/cgi-bin/message/subscribe/send"

// fake is the one fake WeChat server of this test binary (the library's
// HTTP client is process-wide). Tests that inject faults must not run in
// parallel.
var fake *fakewechat.Server

func TestMain(m *testing.M) {
	fake = fakewechat.New(fakewechat.Options{})
	srv := httptest.NewServer(fake)
	if err := wechat.InstallHTTPClient(srv.URL, 2*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// newWeChat returns a client of the fake with its own token cache.
func newWeChat(t *testing.T) *wechat.Client {
	t.Helper()
	t.Cleanup(fake.ClearFaults)
	return wechat.New(wechat.Config{AppID: fakewechat.DefaultAppID, Secret: fakewechat.DefaultSecret}, cache.NewMemory(nil))
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *testClock {
	return &testClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newUser stores a user with a fresh openid.
func newUser(t *testing.T, db *gorm.DB) *model.User {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	u, err := model.NewUserStore(db).UpsertByOpenID(context.Background(), "o_"+hex.EncodeToString(b[:]), nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sentTo returns the subscribe messages the fake accepted for openid.
func sentTo(openid string) []fakewechat.SentMessage {
	var out []fakewechat.SentMessage
	for _, m := range fake.SentMessages() {
		if m.ToUser == openid {
			out = append(out, m)
		}
	}
	return out
}

// outboxRows returns every outbox row.
func outboxRows(t *testing.T, db *gorm.DB) []model.OutboxMessage {
	t.Helper()
	var rows []model.OutboxMessage
	if err := db.Order("created_at").Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// grant records that the user accepted one subscription to template, as
// POST /me/subscriptions does.
func grant(t *testing.T, svc *notify.Service, userID int64, template string) {
	t.Helper()
	if _, err := svc.Subscribe(context.Background(), userID, map[string]string{template: notify.SubscribeAccept}); err != nil {
		t.Fatal(err)
	}
}

// asError is errors.As for the tests.
func asError(err error, target any) bool { return errors.As(err, target) }
