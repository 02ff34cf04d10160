package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
)

// fireTogether sends n copies of one JSON request through the router at
// once (they start on one signal) and returns the recorded replies.
func (e *testEnv) fireTogether(n int, method, path string, body any, token string, headers ...string) []*httptest.ResponseRecorder {
	e.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	recs := make([]*httptest.ResponseRecorder, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		req := httptest.NewRequestWithContext(context.Background(), method, path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		for j := 0; j+1 < len(headers); j += 2 {
			req.Header.Set(headers[j], headers[j+1])
		}
		recs[i] = httptest.NewRecorder()
		wg.Go(func() {
			<-start
			e.router.ServeHTTP(recs[i], req)
		})
	}
	close(start)
	wg.Wait()
	return recs
}

// TestIdempotentParallelRetries: retries fired at once with one
// Idempotency-Key all get the first reply, and one object is made.
func TestIdempotentParallelRetries(t *testing.T) {
	t.Parallel() // own databases
	const n = 8
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13866667777", idNumber("19910101", 71))
		m := tr.member(tr.u1)
		form := a.form(tr.u1)
		form["submit"] = true
		tests := []struct {
			name  string
			path  string
			body  map[string]any
			other map[string]any // another request under the same key
			token string
			// made counts the objects the requests made.
			made func(t *testing.T) int
		}{
			{"application", "/api/v1/applications", form, with(form, "name", "李四"), a.Access, func(t *testing.T) int {
				var mine struct {
					Items []appView `json:"items"`
				}
				e.do("GET", "/api/v1/applications/mine", nil, a.Access).expect(t, 200, 0).decode(t, &mine)
				return len(mine.Items)
			}},
			{"transfer", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"},
				map[string]any{"to_org_id": tr.u2, "reason": "换工作"}, m.Access, func(t *testing.T) int {
					var pending struct {
						Items []struct {
							ID string `json:"id"`
						} `json:"items"`
					}
					e.do("GET", "/api/v1/admin/transfers?status=pending", nil, tr.chair3.Access).expect(t, 200, 0).decode(t, &pending)
					return len(pending.Items)
				}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				recs := e.fireTogether(n, "POST", tc.path, tc.body, tc.token, "Idempotency-Key", "tap-"+tc.name)
				var first any
				for i, rec := range recs {
					r := e.parse(rec)
					if r.Status != 201 || r.Code != 0 {
						t.Fatalf("request %d: %d/%d %s", i, r.Status, r.Code, r.Raw)
					}
					var data any
					r.decode(t, &data)
					if i == 0 {
						first = data
					} else if !reflect.DeepEqual(data, first) {
						t.Fatalf("request %d got another reply:\n%v\n%v", i, data, first)
					}
				}
				// A later retry replays the same reply.
				var again any
				e.do("POST", tc.path, tc.body, tc.token, "Idempotency-Key", "tap-"+tc.name).expect(t, 201, 0).decode(t, &again)
				if !reflect.DeepEqual(again, first) {
					t.Fatalf("later retry got another reply:\n%v\n%v", again, first)
				}
				// The key used for another request is refused, naming the header.
				r := e.do("POST", tc.path, tc.other, tc.token, "Idempotency-Key", "tap-"+tc.name).expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "Idempotency-Key" {
					t.Fatalf("details: %+v", r.Details)
				}
				if got := tc.made(t); got != 1 {
					t.Fatalf("%d objects made, want 1", got)
				}
			})
		}
	})
}

// with returns a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}
