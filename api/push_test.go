package api_test

import (
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// checkURL is the server check WeChat sends when the push URL is saved.
func checkURL(token string, at time.Time, echostr string) string {
	ts, nonce := strconv.FormatInt(at.Unix(), 10), "n0nce"
	parts := []string{token, ts, nonce}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return "/api/v1/wechat/push?" + url.Values{"signature": {hex.EncodeToString(sum[:])}, "timestamp": {ts},
		"nonce": {nonce}, "echostr": {echostr}}.Encode()
}

func TestWeChatPushServerCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		now := e.clock.Now()
		cases := []struct {
			name   string
			path   string
			status int
			code   int
		}{
			{"good signature", checkURL(testPushToken, now, "7421930512"), 200, 0},
			{"another token", checkURL("SomeoneElse42", now, "7421930512"), 403, 40300},
			{"no signature", "/api/v1/wechat/push?timestamp=1&nonce=2&echostr=3", 403, 40300},
			{"six minutes old", checkURL(testPushToken, now.Add(-6*time.Minute), "7421930512"), 403, 40300},
			{"six minutes ahead", checkURL(testPushToken, now.Add(6*time.Minute), "7421930512"), 403, 40300},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("GET", c.path, nil, "")
				if c.status == 200 {
					if r.Status != 200 || r.Raw != "7421930512" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
						t.Fatalf("got %d %q (%s), want the echostr as text/plain", r.Status, r.Raw, r.Header.Get("Content-Type"))
					}
					return
				}
				r.expect(t, c.status, c.code)
			})
		}
	})
}

func TestWeChatPushRefusesWhatWeChatDidNotSign(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		ev := fakewechat.PushEvent{Event: "user_authorization_cancellation", OpenID: e.openidOf(t, s.UserID)}
		sign := func(change func(q url.Values)) string {
			req, err := fakewechat.PushRequest(t.Context(), e.pushTarget(), ev)
			if err != nil {
				t.Fatal(err)
			}
			q := req.URL.Query()
			change(q)
			return req.URL.Path + "?" + q.Encode()
		}
		body := func() string {
			req, err := fakewechat.PushRequest(t.Context(), e.pushTarget(), ev)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		plain := e.pushTarget()
		plain.AESKey = ""
		otherApp := e.pushTarget()
		otherApp.AppID = "wx0000000000000000"
		stale := e.pushTarget()
		stale.Now = e.clock.Now().Add(-6 * time.Minute)
		cases := []struct {
			name   string
			send   func() reply
			status int
			code   int
		}{
			{"bad signature", func() reply {
				return e.do("POST", sign(func(q url.Values) { q.Set("signature", strings.Repeat("0", 40)) }), body(), "")
			}, 403, 40300},
			{"bad msg_signature", func() reply {
				return e.do("POST", sign(func(q url.Values) { q.Set("msg_signature", strings.Repeat("0", 40)) }), body(), "")
			}, 403, 40300},
			{"msg_signature missing", func() reply {
				return e.do("POST", sign(func(q url.Values) { q.Del("msg_signature") }), body(), "")
			}, 403, 40300},
			{"encrypted body swapped", func() reply {
				return e.do("POST", sign(func(url.Values) {}), `{"Encrypt":"`+strings.Repeat("A", 64)+`"}`, "")
			}, 403, 40300},
			{"plain mode while safe mode is set", func() reply { return e.push(t, plain, ev) }, 403, 40300},
			{"another appid", func() reply { return e.push(t, otherApp, ev) }, 403, 40300},
			{"stale timestamp", func() reply { return e.push(t, stale, ev) }, 403, 40300},
			{"over 64 KiB", func() reply {
				return e.do("POST", sign(func(url.Values) {}), `{"Encrypt":"`+strings.Repeat("A", 65<<10)+`"}`, "")
			}, 413, 41300},
			{"not a push", func() reply { return e.do("POST", sign(func(url.Values) {}), `{"hello":1}`, "") }, 400, 40000},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.send().expect(t, c.status, c.code)
				// Nothing happened: the user's session lives, no request recorded.
				e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 200, 0)
				if n := e.count(t, "deactivation_requests", "1 = 1"); n != 0 {
					t.Fatalf("%d deactivation requests", n)
				}
			})
		}
	})
}
