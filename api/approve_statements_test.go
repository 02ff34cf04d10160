package api_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"github.com/unionhub/unionhub/service/org"
)

// maxApproveStatements is what approving an application may cost in SQL
// statements, through the router (issue 13 item 9: it was 24).
const maxApproveStatements = 15

// countedKey marks the requests whose statements a statementCounter counts.
type countedKey struct{}

// statementCounter wraps the database's logger, which GORM calls once for
// every statement it runs, and keeps the SQL of those run for a request
// marked with countedKey (so nothing else running meanwhile is counted).
type statementCounter struct {
	logger.Interface
	mu  sync.Mutex
	sql []string
}

func (c *statementCounter) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if ctx.Value(countedKey{}) != nil {
		sql, _ := fc()
		c.mu.Lock()
		c.sql = append(c.sql, sql)
		c.mu.Unlock()
	}
	c.Interface.Trace(ctx, begin, fc, err)
}

// ParamsFilter keeps bound values (personal data) out of logged SQL, as
// the wrapped logger does.
func (c *statementCounter) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// TestApproveStatements: approving an application through the router runs
// at most maxApproveStatements SQL statements on either backend, and still
// answers with the application and the member it made.
func TestApproveStatements(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, e *testEnv) {
		counter := &statementCounter{Interface: e.db.Logger}
		e.db.Logger = counter // before anything runs concurrently: GORM reads it per statement
		tr := newTree(t, e)
		a := e.newApplicant("13812345678", idNumber("19900307", 123))
		v := e.apply(a, tr.u1)
		// The chair's roles as every request after the first finds them:
		// cached. Accepting the invitation left a tombstone for 30 s; it
		// goes, and one request fills the cache.
		uid, err := strconv.ParseInt(tr.chair1.UserID, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.cache.Delete(context.Background(), org.RolesCacheKey(uid)); err != nil {
			t.Fatal(err)
		}
		e.do("GET", "/api/v1/admin/applications?status=submitted", nil, tr.chair1.Access).expect(t, 200, 0)

		req := httptest.NewRequestWithContext(context.WithValue(context.Background(), countedKey{}, true), "POST",
			"/api/v1/admin/applications/"+v.ID+"/approve", strings.NewReader(`{"version":`+strconv.Itoa(v.Version)+`}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tr.chair1.Access)
		w := httptest.NewRecorder()
		e.router.ServeHTTP(w, req)
		var res approvalReply
		e.parse(w).expect(t, 200, 0).decode(t, &res)
		if res.Application.Status != "approved" || res.Application.Version != v.Version+1 || res.Member.ID == "" ||
			len(res.Member.MemberNo) != 14 {
			t.Fatalf("approval: %+v", res)
		}
		counter.mu.Lock()
		defer counter.mu.Unlock()
		if n := len(counter.sql); n > maxApproveStatements {
			t.Errorf("approve ran %d statements, want at most %d:\n%s", n, maxApproveStatements, strings.Join(counter.sql, "\n"))
		} else {
			t.Logf("approve ran %d statements", n)
		}
	})
}
