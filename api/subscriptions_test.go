package api_test

import (
	"fmt"
	"testing"

	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

const resultTemplate = "tmpl-application-result" // the harness's template

// subscribe reports wx.requestSubscribeMessage's result and returns the balances.
func (e *testEnv) subscribe(t *testing.T, s session, results map[string]any) map[string]int {
	t.Helper()
	var out struct {
		Remaining map[string]int `json:"remaining"`
	}
	e.do("POST", "/api/v1/me/subscriptions", map[string]any{"results": results}, s.Access).expect(t, 200, 0).decode(t, &out)
	return out.Remaining
}

func TestSubscriptionLedgerGatesDecisionMessages(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13912345678", idNumber("19850505", 77))
		decide := func() {
			t.Helper()
			v := e.apply(a, tr.u1)
			e.do("POST", "/api/v1/admin/applications/"+v.ID+"/reject", map[string]any{"version": v.Version, "reason": "材料不全"},
				tr.chair1.Access).expect(t, 200, 0)
		}
		notices := func() int64 { return e.count(t, "notifications", "user_id = ?", mustID(t, a.UserID)) }

		if got := e.subscribe(t, a.session, map[string]any{resultTemplate: "accept", "errMsg": "requestSubscribeMessage:ok"}); got[resultTemplate] != 1 || len(got) != 1 {
			t.Fatalf("remaining %v after accept, want 1", got)
		}
		before, inApp := e.outboxCount(t), notices()
		decide()
		if n := e.outboxCount(t); n != before+1 || notices() != inApp+1 {
			t.Fatalf("first decision: %d subscribe messages queued, %d notices, want 1 and 1", n-before, notices()-inApp)
		}
		if got := e.subscribe(t, a.session, map[string]any{resultTemplate: "filter"}); got[resultTemplate] != 0 {
			t.Fatalf("remaining %v after the message, want 0", got)
		}
		decide()
		if n := e.outboxCount(t); n != before+1 || notices() != inApp+2 {
			t.Fatalf("second decision without a subscription: %d messages queued, %d notices, want 0 more and in-app", n-before-1, notices()-inApp)
		}

		// WeChat's events keep the ledger right: a reject, and a send refused with 43101.
		openid := e.openidOf(t, a.UserID)
		for _, ev := range []fakewechat.PushEvent{
			{Event: "subscribe_msg_change_event", OpenID: openid, Templates: []fakewechat.PushTemplate{{TemplateID: resultTemplate, Status: "reject"}}},
			{Event: "subscribe_msg_popup_event", OpenID: openid, Templates: []fakewechat.PushTemplate{{TemplateID: resultTemplate, Status: "reject"}}},
			{Event: "subscribe_msg_sent_event", OpenID: openid, Templates: []fakewechat.PushTemplate{{TemplateID: resultTemplate, ErrorCode: "43101"}}},
		} {
			for _, asXML := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s xml=%v", ev.Event, asXML), func(t *testing.T) {
					e.subscribe(t, a.session, map[string]any{resultTemplate: "accept"})
					e.subscribe(t, a.session, map[string]any{resultTemplate: "accept"})
					target := e.pushTarget()
					target.XML = asXML
					pushedOK(t, e.push(t, target, ev))
					if got := e.subscribe(t, a.session, map[string]any{resultTemplate: "filter"}); got[resultTemplate] != 0 {
						t.Fatalf("remaining %v after %s, want 0", got, ev.Event)
					}
				})
			}
		}
		// A popup's accept is not counted again: POST /me/subscriptions counted it.
		e.subscribe(t, a.session, map[string]any{resultTemplate: "accept"})
		pushedOK(t, e.push(t, e.pushTarget(), fakewechat.PushEvent{Event: "subscribe_msg_popup_event", OpenID: openid,
			Templates: []fakewechat.PushTemplate{{TemplateID: resultTemplate, Status: "accept"}}}))
		if got := e.subscribe(t, a.session, map[string]any{resultTemplate: "filter"}); got[resultTemplate] != 1 {
			t.Fatalf("remaining %v, want 1", got)
		}
	})
}

func TestSubscriptionsValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		cases := []struct {
			name  string
			body  any
			field string
		}{
			{"no results", map[string]any{}, "results"},
			{"unknown answer", map[string]any{"results": map[string]any{"tmplA": "yes"}}, "results.tmplA"},
			{"answer not a string", map[string]any{"results": map[string]any{"tmplA": 1}}, "results.tmplA"},
			{"bad template id", map[string]any{"results": map[string]any{"a/b": "accept"}}, "results"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/me/subscriptions", c.body, s.Access).expect(t, 422, 40001)
				if len(r.Details) == 0 || r.Details[0].Field != c.field {
					t.Fatalf("details %+v, want %s", r.Details, c.field)
				}
			})
		}
		e.do("POST", "/api/v1/me/subscriptions", map[string]any{"results": map[string]any{"t": "accept"}}, "").expect(t, 401, 40100)
	})
}
