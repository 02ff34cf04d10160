package api_test

import (
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// pushModes are the four ways WeChat may send an event.
var pushModes = []struct {
	name      string
	xml, safe bool
}{
	{"json safe", false, true},
	{"xml safe", true, true},
	{"json plain", false, false},
	{"xml plain", true, false},
}

func TestWeChatPushEventsAppliedOnce(t *testing.T) {
	for _, mode := range pushModes {
		t.Run(mode.name, func(t *testing.T) {
			opts := []envOption{}
			if !mode.safe {
				opts = append(opts, noPushAESKey)
			}
			eachBackend(t, func(t *testing.T, e *testEnv) {
				target := e.pushTarget()
				target.XML = mode.xml
				if !mode.safe {
					target.AESKey = ""
				}

				// Cancellation: a deactivation due now, every session ended.
				s := e.login(uniqueOpenID(t))
				other := e.login(e.openidOf(t, s.UserID)) // a second session of the same user
				ev := fakewechat.PushEvent{Event: "user_authorization_cancellation", OpenID: e.openidOf(t, s.UserID)}
				pushedOK(t, e.push(t, target, ev))
				for _, tok := range []string{s.Access, other.Access} {
					e.do("GET", "/api/v1/me", nil, tok).expect(t, 401, 40100)
				}
				if n := e.count(t, "deactivation_requests", "user_id = ? AND status = 'pending' AND source = 'wechat' AND effective_at <= ?",
					mustID(t, s.UserID), e.clock.Now().UTC()); n != 1 {
					t.Fatalf("%d pending deactivation requests due now, want 1", n)
				}
				// The same push again (WeChat retries; someone replays it): nothing changes.
				again := e.login(e.openidOf(t, s.UserID))
				pushedOK(t, e.push(t, target, ev))
				e.do("GET", "/api/v1/me", nil, again.Access).expect(t, 200, 0)
				if n := e.count(t, "deactivation_requests", "user_id = ?", mustID(t, s.UserID)); n != 1 {
					t.Fatalf("a replay added requests: %d", n)
				}

				// Revoking the phone authorisation clears the phone; another scope does not.
				for _, c := range []struct {
					info  string
					bound bool
				}{{"6", true}, {fakewechatPhoneScope, false}} {
					a := e.login(uniqueOpenID(t))
					e.bindPhone(a, "13900001111")
					e.clock.Advance(time.Second)
					pushedOK(t, e.push(t, target, fakewechat.PushEvent{Event: "user_authorization_revoke",
						OpenID: e.openidOf(t, a.UserID), RevokeInfo: c.info}))
					var me struct {
						PhoneMasked *string `json:"phone_masked"`
					}
					e.do("GET", "/api/v1/me", nil, a.Access).expect(t, 200, 0).decode(t, &me)
					if (me.PhoneMasked != nil) != c.bound {
						t.Fatalf("RevokeInfo %q: phone %v, want bound %v", c.info, me.PhoneMasked, c.bound)
					}
					if n := e.count(t, "users", "id = ? AND phone_idx IS NULL AND phone_enc IS NULL", mustID(t, a.UserID)); (n == 0) != c.bound {
						t.Fatalf("RevokeInfo %q: users row phone cleared %d", c.info, n)
					}
				}
			}, opts...)
		})
	}
}
