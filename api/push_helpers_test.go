package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
	"github.com/unionhub/unionhub/service/wxpush"
)

// The push settings every test node has (a token of the console's shape
// and an EncodingAESKey of 43 characters).
const (
	testPushToken  = "UnionHubPush2026"
	testPushAESKey = "q3Xv9LmT2kPz8RwY5bNc7HdJ4fGs6AeU1iKo0MtVxWy"
)

// pushTarget is how the fake WeChat reaches the test node: safe mode,
// JSON, the node's clock.
func (e *testEnv) pushTarget() fakewechat.PushTarget {
	return fakewechat.PushTarget{URL: "/api/v1/wechat/push", Token: testPushToken, AESKey: testPushAESKey, Now: e.clock.Now()}
}

// push sends ev as the fake WeChat would, through the router.
func (e *testEnv) push(t *testing.T, target fakewechat.PushTarget, ev fakewechat.PushEvent) reply {
	t.Helper()
	req, err := fakewechat.PushRequest(context.Background(), target, ev)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, req)
	return e.parse(w)
}

// pushedOK fails unless the reply is WeChat's "success".
func pushedOK(t *testing.T, r reply) {
	t.Helper()
	if r.Status != 200 || r.Raw != "success" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("push reply %d %q (%s), want 200 success as text/plain", r.Status, r.Raw, r.Header.Get("Content-Type"))
	}
}

// openidOf returns the openid of the user with id.
func (e *testEnv) openidOf(t *testing.T, userID string) string {
	t.Helper()
	u, err := model.NewUserStore(e.db).Get(context.Background(), mustID(t, userID))
	if err != nil {
		t.Fatal(err)
	}
	return u.OpenID
}

// count counts the rows of table matching where.
func (e *testEnv) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// fakewechatPhoneScope is RevokeInfo's phone-number scope.
const fakewechatPhoneScope = wxpush.PhoneScope

// noPushAESKey runs a node with push in plain mode (no EncodingAESKey).
func noPushAESKey(c *config.Config) { c.Keys.WeChatPushAESKey = "" }
