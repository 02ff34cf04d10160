package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateAndListBenefits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		bad := []struct {
			name   string
			body   map[string]any
			fields []string
		}{
			{"empty", map[string]any{}, []string{"org_id", "title", "starts_on", "ends_on"}},
			{"dates", map[string]any{"org_id": tr.u1, "title": "体检", "starts_on": "2026-02-30", "ends_on": "2026/12/01"},
				[]string{"starts_on", "ends_on"}},
			{"ends before it starts", map[string]any{"org_id": tr.u1, "title": "体检", "starts_on": "2026-12-02",
				"ends_on": "2026-12-01"}, []string{"ends_on"}},
			{"limit", map[string]any{"org_id": tr.u1, "title": strings.Repeat("长", 101), "starts_on": "2026-12-01",
				"ends_on": "2026-12-01", "per_member_limit": 0}, []string{"title", "per_member_limit"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/admin/benefits", tc.body, tr.chair1.Access).expect(t, 422, 40001)
				got := map[string]bool{}
				for _, d := range r.Details {
					got[d.Field] = true
					if !hasHan(d.Message) {
						t.Errorf("field %s: message %q is not Chinese", d.Field, d.Message)
					}
				}
				for _, f := range tc.fields {
					if !got[f] {
						t.Errorf("no error on %s: %s", f, r.Raw)
					}
				}
			})
		}
		e.do("POST", "/api/v1/admin/benefits", map[string]any{"org_id": tr.u1, "title": "x", "per_member_limit": "2"},
			tr.chair1.Access).expect(t, 400, 40000)

		b1 := e.newBenefit(tr.chair1, tr.u1, 2)
		b2 := e.newBenefit(tr.c1Admin, tr.u1, nil)
		b3 := e.newBenefit(tr.c1Admin, tr.c1, nil)
		rootB := e.newBenefit(tr.rootAdmin, tr.root, 1)
		e.benefitFrom(tr.rootAdmin, tr.root, nil, 3, 10) // not yet running
		e.benefitFrom(tr.rootAdmin, tr.root, nil, -10, -1)
		u3B := e.newBenefit(tr.chair3, tr.u3, nil)

		list := func(s session, query string) (ids []string, next *string) {
			t.Helper()
			var page struct {
				Items []struct {
					ID             string `json:"id"`
					OrgName        string `json:"org_name"`
					PerMemberLimit *int   `json:"per_member_limit"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			e.do("GET", query, nil, s.Access).expect(t, 200, 0).decode(t, &page)
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			return ids, page.NextCursor
		}
		if ids, _ := list(tr.chair1, "/api/v1/admin/benefits"); strings.Join(ids, ",") != b2+","+b1 {
			t.Errorf("chair1 sees %v", ids)
		}
		if ids, _ := list(tr.c1Admin, "/api/v1/admin/benefits?org_id="+tr.c1); strings.Join(ids, ",") != b3 {
			t.Errorf("c1Admin, org c1: %v", ids)
		}
		first, next := list(tr.c1Admin, "/api/v1/admin/benefits?limit=2")
		if len(first) != 2 || next == nil {
			t.Fatalf("page 1: %v %v", first, next)
		}
		rest, next := list(tr.c1Admin, "/api/v1/admin/benefits?limit=2&cursor="+*next)
		if strings.Join(append(first, rest...), ",") != b3+","+b2+","+b1 || next != nil {
			t.Errorf("pages: %v %v", first, rest)
		}
		e.do("GET", "/api/v1/admin/benefits?org_id="+tr.u1, nil, tr.chair3.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/admin/benefits", nil, tr.staff1.Access).expect(t, 403, 40300)
		e.do("POST", "/api/v1/admin/benefits", map[string]any{"org_id": tr.u1, "title": "体检", "starts_on": "2026-12-01",
			"ends_on": "2026-12-31"}, tr.chair3.Access).expect(t, 404, 40400)

		// A member sees what its union and every ancestor offer, running today.
		m1 := tr.member(tr.u1)
		m3 := tr.member(tr.u3)
		if ids, _ := list(m1.session, "/api/v1/benefits"); strings.Join(ids, ",") != rootB+","+b3+","+b2+","+b1 {
			t.Errorf("member of u1 sees %v", ids)
		}
		if ids, _ := list(m3.session, "/api/v1/benefits"); strings.Join(ids, ",") != u3B+","+rootB {
			t.Errorf("member of u3 sees %v", ids)
		}
		e.do("GET", "/api/v1/benefits", nil, tr.plain.Access).expect(t, 404, 40400)
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestRedeemBenefit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		m3 := tr.member(tr.u3)
		verif3 := tr.invite(tr.chair3, tr.u3, "verifier")
		b := e.newBenefit(tr.chair1, tr.u1, 2)
		c1B := e.newBenefit(tr.c1Admin, tr.c1, nil)
		u3B := e.newBenefit(tr.chair3, tr.u3, nil)
		later := e.benefitFrom(tr.chair1, tr.u1, nil, 1, 5)

		redeem := func(by session, token, benefit string) verifyView {
			t.Helper()
			var v verifyView
			e.verifyCard(by, token, benefit).expect(t, 200, 0).decode(t, &v)
			return v
		}
		tok := e.cardToken(m.session)
		first := redeem(tr.verif1, tok, b)
		if !first.Valid || first.Redemption == nil || first.Member == nil {
			t.Fatalf("redemption: %+v", first)
		}
		// The same token for the same benefit returns the first result and
		// counts once, also after the token expired.
		e.clock.Advance(200 * time.Second)
		if again := redeem(tr.verif1, tok, b); !again.Valid || again.Redemption == nil || again.Redemption.ID != first.Redemption.ID {
			t.Fatalf("retry: %+v", again)
		}
		secondTok := e.cardToken(m.session)
		second := redeem(tr.verif1, secondTok, b)
		if second.Redemption == nil || second.Redemption.ID == first.Redemption.ID {
			t.Fatalf("second redemption: %+v", second)
		}
		e.verifyCard(tr.verif1, e.cardToken(m.session), b).expect(t, 409, 40903)
		// At the limit, a retry of a redemption still returns it.
		if again := redeem(tr.verif1, secondTok, b); !again.Valid || again.Redemption == nil || again.Redemption.ID != second.Redemption.ID {
			t.Fatalf("retry at the limit: %+v", again)
		}
		// An expired token redeems nothing.
		if v := redeem(tr.verif1, tok, c1B); v.Valid || v.Reason != "expired" {
			t.Fatalf("expired token for another benefit: %+v", v)
		}

		fresh := e.cardToken(m.session)
		// Offered by an ancestor of the verifier's union: fine.
		if v := redeem(tr.verif1, fresh, c1B); !v.Valid || v.Redemption == nil {
			t.Fatalf("ancestor's benefit: %+v", v)
		}
		// Not offered by the verifier's org or an ancestor, not running
		// today, not open to the member's union, unknown: 404.
		e.verifyCard(verif3, fresh, b).expect(t, 404, 40400)
		e.verifyCard(tr.verif1, fresh, u3B).expect(t, 404, 40400)
		e.verifyCard(tr.verif1, fresh, later).expect(t, 404, 40400)
		e.verifyCard(tr.verif1, e.cardToken(m3.session), b).expect(t, 404, 40400)
		e.verifyCard(tr.verif1, fresh, "12345").expect(t, 404, 40400)
		m3Tok := e.cardToken(m3.session)
		own := redeem(verif3, m3Tok, u3B)
		if !own.Valid || own.Redemption == nil {
			t.Fatalf("u3's own benefit: %+v", own)
		}
		// Once the member is suspended, a retry of the redemption still
		// returns it; the card itself is refused.
		e.do("POST", "/api/v1/admin/members/"+m3.MemberID+"/status", map[string]any{"status": "suspended", "reason": "卡片挂失处理"},
			tr.chair3.Access).expect(t, 200, 0)
		if again := redeem(verif3, m3Tok, u3B); !again.Valid || again.Redemption == nil || again.Redemption.ID != own.Redemption.ID {
			t.Fatalf("retry after the suspension: %+v", again)
		}
		if got := e.verifyReason(t, verif3, m3Tok); got != "not_active" {
			t.Fatalf("suspended card: %s", got)
		}
	})
}

// TestRedemptionLimitUnderConcurrency: 20 distinct tokens of one member
// race for a benefit with a limit of 5; exactly 5 win. 10 copies of one
// token race for another benefit; they make one redemption.
func TestRedemptionLimitUnderConcurrency(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		b := e.newBenefit(tr.chair1, tr.u1, 5)
		tokens := make([]string, 20)
		for i := range tokens {
			tokens[i] = e.cardToken(m.session)
		}
		statuses := make([]int, len(tokens))
		codes := make([]int, len(tokens))
		var wg sync.WaitGroup
		for i, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.verifyCard(tr.verif1, tok, b)
				statuses[i], codes[i] = r.Status, r.Code
			}()
		}
		wg.Wait()
		won, limited := 0, 0
		for i := range statuses {
			switch {
			case statuses[i] == 200 && codes[i] == 0:
				won++
			case statuses[i] == 409 && codes[i] == 40903:
				limited++
			default:
				t.Errorf("request %d: %d/%d", i, statuses[i], codes[i])
			}
		}
		if won != 5 || limited != 15 {
			t.Fatalf("%d redeemed, %d refused; want 5 and 15", won, limited)
		}

		once := e.newBenefit(tr.chair1, tr.u1, 1)
		tok := e.cardToken(m.session)
		ids := make([]string, 10)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var v verifyView
				r := e.verifyCard(tr.verif1, tok, once)
				if r.Status == 200 {
					r.decode(t, &v)
					if v.Redemption != nil {
						ids[i] = v.Redemption.ID
					}
				}
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id == "" || id != ids[0] {
				t.Fatalf("one token, several results: %v", ids)
			}
		}
		// It counted once: the member's single use is taken.
		e.verifyCard(tr.verif1, e.cardToken(m.session), once).expect(t, 409, 40903)
	})
}

// TestBenefitRedemptionCounts: the admin list carries each benefit's
// redemption count, a retried token counting once, within the caller's
// scope; the members' list carries none.
func TestBenefitRedemptionCounts(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m, m2, m3 := tr.member(tr.u1), tr.member(tr.u1), tr.member(tr.u3)
		verif3 := tr.invite(tr.chair3, tr.u3, "verifier")
		limited := e.newBenefit(tr.chair1, tr.u1, 2)
		unused := e.newBenefit(tr.chair1, tr.u1, nil)
		c1B := e.newBenefit(tr.c1Admin, tr.c1, nil)
		u3B := e.newBenefit(tr.chair3, tr.u3, nil)

		redeem := func(by session, token, benefit string) {
			t.Helper()
			var v verifyView
			e.verifyCard(by, token, benefit).expect(t, 200, 0).decode(t, &v)
			if !v.Valid || v.Redemption == nil {
				t.Fatalf("redemption of %s: %+v", benefit, v)
			}
		}
		tok := e.cardToken(m.session)
		redeem(tr.verif1, tok, limited)
		redeem(tr.verif1, tok, limited) // a retry: no second redemption
		redeem(tr.verif1, e.cardToken(m.session), limited)
		e.verifyCard(tr.verif1, e.cardToken(m.session), limited).expect(t, 409, 40903) // over the limit: not counted
		redeem(tr.verif1, e.cardToken(m2.session), limited)
		redeem(tr.verif1, e.cardToken(m.session), c1B)
		redeem(verif3, e.cardToken(m3.session), u3B)

		cases := []struct {
			name  string
			by    session
			query string
			want  map[string]int
		}{
			{"chair of u1", tr.chair1, "", map[string]int{limited: 3, unused: 0}},
			{"federation c1", tr.c1Admin, "", map[string]int{limited: 3, unused: 0, c1B: 1}},
			{"federation c1, org c1", tr.c1Admin, "?org_id=" + tr.c1, map[string]int{c1B: 1}},
			{"chair of u3", tr.chair3, "", map[string]int{u3B: 1}},
			{"province, one per page", tr.rootAdmin, "?limit=1", map[string]int{limited: 3, unused: 0, c1B: 1, u3B: 1}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := map[string]int{}
				for path := "/api/v1/admin/benefits" + tc.query; path != ""; {
					var page struct {
						Items []struct {
							ID              string `json:"id"`
							RedemptionCount *int   `json:"redemption_count"`
						} `json:"items"`
						NextCursor *string `json:"next_cursor"`
					}
					e.do("GET", path, nil, tc.by.Access).expect(t, 200, 0).decode(t, &page)
					for _, it := range page.Items {
						if it.RedemptionCount == nil {
							t.Fatalf("benefit %s without redemption_count", it.ID)
						}
						got[it.ID] = *it.RedemptionCount
					}
					path = ""
					if page.NextCursor != nil {
						path = "/api/v1/admin/benefits?limit=1&cursor=" + *page.NextCursor
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("counts %v, want %v", got, tc.want)
				}
			})
		}

		var open struct {
			Items []map[string]any `json:"items"`
		}
		e.do("GET", "/api/v1/benefits", nil, m.session.Access).expect(t, 200, 0).decode(t, &open)
		if len(open.Items) == 0 {
			t.Fatal("the member sees no benefits")
		}
		for _, it := range open.Items {
			if _, has := it["redemption_count"]; has {
				t.Errorf("the members' list carries redemption_count: %v", it)
			}
		}
	})
}
