package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/jobs"
)

// deactivationView is a live account cancellation as the API shows it.
type deactivationView struct {
	Status      string    `json:"status"`
	Source      string    `json:"source"`
	Leave       bool      `json:"leave"`
	EffectiveAt time.Time `json:"effective_at"`
}

// meDeactivation returns GET /me's deactivation.
func (e *testEnv) meDeactivation(s session) *deactivationView {
	e.t.Helper()
	var me struct {
		Deactivation *deactivationView `json:"deactivation"`
	}
	e.do("GET", "/api/v1/me", nil, s.Access).expect(e.t, 200, 0).decode(e.t, &me)
	return me.Deactivation
}

// runDeactivations runs the deletion task once on a node named owner,
// under the task's lease, and reports whether this node held the lease.
func (e *testEnv) runDeactivations(ctx context.Context, owner string, cfg account.Config) bool {
	e.t.Helper()
	r := jobs.NewRunner(e.db, jobs.RunnerConfig{Owner: owner, Now: e.clock.Now})
	e.accountsOn(cfg).Schedule(onlyTask{r, "account_deactivations"})
	return r.RunOnce(ctx) > 0
}

// onlyTask registers one of the tasks given it.
type onlyTask struct {
	r    *jobs.Runner
	name string
}

func (o onlyTask) Every(name string, interval time.Duration, fn func(ctx context.Context) error) {
	if name == o.name {
		o.r.Every(name, interval, fn)
	}
}

// TestDeactivationRequests: POST /me/deactivation takes a reason and
// answers pending with effective_at 7 days on; a second POST answers the
// pending one (200); DELETE cancels it (then 404); nothing happens before
// effective_at; after it the task closes the account: old tokens refused,
// a new login with the same WeChat account is a new, empty user, the
// member stays on the roll without a user (or, with leave, leaves it).
func TestDeactivationRequests(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name  string
			leave bool
			want  string // the member's status afterwards
		}{
			{"stays on the roll", false, "active"},
			{"leaves the roll", true, "left"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tr.rootAdmin, tr.chair1 = e.refreshed(tr.rootAdmin), e.refreshed(tr.chair1)
				m := tr.member(tr.u1)
				openid := e.openidOf(t, m.UserID)
				bad := e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": " "}, m.Access).expect(t, 422, 40001)
				if len(bad.Details) != 1 || bad.Details[0].Field != "reason" {
					t.Fatalf("details: %+v", bad.Details)
				}
				e.do("DELETE", "/api/v1/me/deactivation", nil, m.Access).expect(t, 404, 40400)

				body := map[string]any{"reason": "不再使用", "leave": tc.leave}
				var first, again deactivationView
				e.do("POST", "/api/v1/me/deactivation", body, m.Access).expect(t, 201, 0).decode(t, &first)
				if want := e.clock.Now().Add(7 * 24 * time.Hour); first.Status != "pending" || !first.EffectiveAt.Equal(want.Truncate(time.Second)) ||
					first.Leave != tc.leave || first.Source != "user" {
					t.Fatalf("request: %+v, want pending until %v", first, want)
				}
				e.clock.Advance(time.Hour)
				e.do("POST", "/api/v1/me/deactivation", body, m.Access).expect(t, 200, 0).decode(t, &again)
				if again != first {
					t.Fatalf("second POST: %+v, want the pending %+v", again, first)
				}
				if got := e.meDeactivation(m.session); got == nil || *got != first {
					t.Fatalf("GET /me: %+v", got)
				}
				e.do("DELETE", "/api/v1/me/deactivation", nil, m.Access).expect(t, 200, 0)
				e.do("DELETE", "/api/v1/me/deactivation", nil, m.Access).expect(t, 404, 40400)
				if got := e.meDeactivation(m.session); got != nil {
					t.Fatalf("GET /me after cancelling: %+v", got)
				}
				e.clock.Advance(8 * 24 * time.Hour)
				e.runDeactivations(context.Background(), "node-a", account.Config{})
				m.session = e.refreshed(m.session) // a cancelled request does nothing

				e.do("POST", "/api/v1/me/deactivation", body, m.Access).expect(t, 201, 0).decode(t, &first)
				e.clock.Advance(7*24*time.Hour - time.Minute)
				e.runDeactivations(context.Background(), "node-a", account.Config{})
				m.session = e.refreshed(m.session) // still cooling off
				tr.chair1 = e.refreshed(tr.chair1)
				e.clock.Advance(2 * time.Minute)
				e.runDeactivations(context.Background(), "node-a", account.Config{})

				e.do("GET", "/api/v1/me", nil, m.Access).expect(t, 401, 40100)
				e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": m.Refresh}, "").expect(t, 401, 40100)
				again2 := e.login(openid)
				if again2.UserID == m.UserID {
					t.Fatal("a login with the cancelled WeChat account found the old user")
				}
				var me struct {
					Member         *struct{} `json:"member"`
					Application    *struct{} `json:"application"`
					PhoneMasked    *string   `json:"phone_masked"`
					ConsentCurrent bool      `json:"consent_current"`
				}
				e.do("GET", "/api/v1/me", nil, again2.Access).expect(t, 200, 0).decode(t, &me)
				if me.Member != nil || me.Application != nil || me.PhoneMasked != nil || me.ConsentCurrent {
					t.Fatalf("the new user is not empty: %+v", me)
				}
				var member struct {
					Status string `json:"status"`
				}
				e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &member)
				if member.Status != tc.want {
					t.Errorf("member status %s, want %s", member.Status, tc.want)
				}
				if n := e.count(t, "members", "id = ? AND user_id IS NULL", mustID(t, m.MemberID)); n != 1 {
					t.Error("the member record is still linked to the cancelled user")
				}
				if n := e.count(t, "deactivation_requests", "user_id = ? AND status = ? AND reason IS NULL", mustID(t, m.UserID), "done"); n != 1 {
					t.Errorf("%d requests done without their reason, want 1", n)
				}
				if n := e.count(t, "audit_logs", "action = ? AND target = ?", "account.deactivated", "user:"+m.UserID); n != 1 {
					t.Errorf("%d deletions audited, want 1", n)
				}
			})
		}
	})
}

// TestDeactivationResumesAfterNodeDies: node A dies after a step of a
// deletion (its context ends there). Whatever it left is unreadable: the
// old session is refused, the WeChat account logs in as a new user, the
// admins see the open application withdrawn without its images. While A's
// lease holds, node B does not take the task; after it, B finishes, and
// the deletion is audited once.
func TestDeactivationResumesAfterNodeDies(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		for _, step := range []string{account.StepClosed, account.StepFiles} {
			t.Run("dies after "+step, func(t *testing.T) {
				tr.n++
				a := e.newApplicant(fmt.Sprintf("1361234%04d", tr.n), idNumber("19900101", 700+tr.n))
				app := e.apply(a, tr.u1)
				openid := e.openidOf(t, a.UserID)
				e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": "换号了"}, a.Access).expect(t, 201, 0)
				e.clock.Advance(7*24*time.Hour + time.Second)
				a.session = e.refreshed(a.session)
				tr.chair1 = e.refreshed(tr.chair1)

				ctxA, die := context.WithCancel(context.Background())
				defer die()
				diesAt := account.Config{AfterStep: func(_ context.Context, s string) {
					if s == step {
						die()
					}
				}}
				if !e.runDeactivations(ctxA, "node-a", diesAt) {
					t.Fatal("node A did not run the task")
				}
				if n := e.count(t, "deactivation_requests", "user_id = ? AND status = ?", mustID(t, a.UserID), "running"); n != 1 {
					t.Fatalf("after node A died: %d running requests", n)
				}
				e.do("GET", "/api/v1/me", nil, a.Access).expect(t, 401, 40100)
				if s := e.login(openid); s.UserID == a.UserID {
					t.Fatal("the half-deleted account still logs in")
				}
				var v appView
				e.do("GET", "/api/v1/admin/applications/"+app.ID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &v)
				if v.Status != "withdrawn" {
					t.Errorf("the open application is %s, want withdrawn", v.Status)
				}
				for _, id := range []string{a.photo, a.front, a.back} {
					e.do("GET", "/api/v1/uploads/"+id, nil, tr.chair1.Access).expect(t, 404, 40400)
				}

				if e.runDeactivations(context.Background(), "node-b", account.Config{}) {
					t.Fatal("node B ran the task under A's live lease")
				}
				e.clock.Advance(account.DeactivationInterval + time.Second)
				if !e.runDeactivations(context.Background(), "node-b", account.Config{}) {
					t.Fatal("node B did not take the task after A's lease")
				}
				if n := e.count(t, "deactivation_requests", "user_id = ? AND status = ?", mustID(t, a.UserID), "done"); n != 1 {
					t.Errorf("%d requests done, want 1", n)
				}
				if n := e.count(t, "audit_logs", "action = ? AND target = ?", "account.deactivated", "user:"+a.UserID); n != 1 {
					t.Errorf("%d deletions audited, want 1", n)
				}
				if n := e.count(t, "uploads", "owner_id = ?", mustID(t, a.UserID)); n != 0 {
					t.Errorf("%d upload rows left", n)
				}
				if n := e.count(t, "applications", "id = ? AND name = '' AND id_number_enc IS NULL AND redacted_at IS NOT NULL", mustID(t, app.ID)); n != 1 {
					t.Error("the application's form was not erased")
				}
				if n := e.count(t, "sessions", "user_id = ?", mustID(t, a.UserID)); n != 0 {
					t.Errorf("%d sessions left", n)
				}
			})
		}
	})
}

// TestDeactivationAskedAtOnce: concurrent requests of one user (two
// devices, a double tap) make one pending request; one answer is 201, the
// others 200 with that request.
func TestDeactivationAskedAtOnce(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		const n = 8
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				codes[i] = e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": "重复点击"}, s.Access).Status
			})
		}
		wg.Wait()
		created := 0
		for _, c := range codes {
			switch c {
			case 201:
				created++
			case 200:
			default:
				t.Errorf("status %d", c)
			}
		}
		if created != 1 {
			t.Errorf("%d requests created, want 1 (%v)", created, codes)
		}
		if got := e.count(t, "deactivation_requests", "user_id = ?", mustID(t, s.UserID)); got != 1 {
			t.Errorf("%d rows, want 1", got)
		}
	})
}
