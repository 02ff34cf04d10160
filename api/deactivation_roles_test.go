package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/org"
)

// TestClosedAccountsRolesLeaveTheCache: the step that closes an account
// and revokes its role bindings also drops the roles every node caches,
// in the same commit, even when the node dies right after that step.
func TestClosedAccountsRolesLeaveTheCache(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		staff := mustID(t, tr.staff1.UserID)
		e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": "离职了"}, tr.staff1.Access).expect(t, 201, 0)
		e.clock.Advance(7*24*time.Hour + time.Second)
		tr.staff1 = e.refreshed(tr.staff1)
		e.do("GET", "/api/v1/admin/applications", nil, tr.staff1.Access).expect(t, 200, 0)
		ctx := context.Background()
		if v, err := e.cache.Get(ctx, org.RolesCacheKey(staff)); err != nil || !strings.HasPrefix(v, "[") {
			t.Fatalf("roles not cached after a guarded request: %q, %v", v, err)
		}

		ctxA, die := context.WithCancel(ctx)
		defer die()
		diesAt := account.Config{AfterStep: func(_ context.Context, s string) {
			if s == account.StepClosed {
				die()
			}
		}}
		if !e.runDeactivations(ctxA, "node-a", diesAt) {
			t.Fatal("node A did not run the task")
		}
		v, err := e.cache.Get(ctx, org.RolesCacheKey(staff))
		if err == nil && strings.HasPrefix(v, "[") {
			t.Fatalf("the closed account's roles are still cached: %s", v)
		}
	})
}
