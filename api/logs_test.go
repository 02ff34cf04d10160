package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// logLines decodes the JSON lines the router logged.
func logLines(t *testing.T, e *testEnv) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(e.logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, sc.Text())
		}
		lines = append(lines, line)
	}
	return lines
}

// A card photo link works without login, so it is a credential: the logs
// carry the route template, never the path or the query (DESIGN §4). The
// metrics carry the template too, and an unmatched route a constant.
func TestLogsCarryRouteTemplatesNotPhotoLinks(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		path := photoPath(t, e.myCard(m.session).PhotoURL)
		token := strings.TrimPrefix(path, "/api/v1/card-photos/")
		before := len(logLines(t, e))

		requests := []struct {
			name, method, path string
			status             int
			route              string
		}{
			{"photo", "GET", path, 200, "/api/v1/card-photos/:token"},
			{"photo with a query", "GET", path + "?t=" + token, 200, "/api/v1/card-photos/:token"},
			{"bad link", "GET", path + "x", 404, "/api/v1/card-photos/:token"},
			{"under an unknown route", "GET", path + "/more", 404, "unmatched"},
			{"unknown route with the token in the query", "GET", "/api/v1/nowhere?token=" + token, 404, "unmatched"},
			{"wrong method", "DELETE", path, 405, "unmatched"},
		}
		for _, rq := range requests {
			if r := e.do(rq.method, rq.path, nil, ""); r.Status != rq.status {
				t.Fatalf("%s: status %d, want %d", rq.name, r.Status, rq.status)
			}
		}

		lines := logLines(t, e)[before:]
		var access []map[string]any
		for _, line := range lines {
			for k, v := range line {
				if strings.Contains(fmt.Sprint(v), token) {
					t.Errorf("log %q carries the photo link in %q: %v", line["msg"], k, v)
				}
			}
			if line["msg"] == "request" {
				access = append(access, line)
			}
		}
		if len(access) != len(requests) {
			t.Fatalf("%d access log lines, want %d", len(access), len(requests))
		}
		for i, rq := range requests {
			t.Run(rq.name, func(t *testing.T) {
				if got := access[i]["route"]; got != rq.route {
					t.Errorf("route = %v, want %q", got, rq.route)
				}
			})
		}

		r := e.do("GET", "/metrics", nil, "")
		if r.Status != http.StatusOK {
			t.Fatalf("metrics: %d", r.Status)
		}
		sc := bufio.NewScanner(strings.NewReader(r.Raw))
		for sc.Scan() {
			if strings.Contains(sc.Text(), token) {
				t.Errorf("metrics carry the photo link: %s", sc.Text())
			}
		}
	})
}

// TestServerErrorLoggedOnce: a 5xx is logged once, by the access log, at
// error level with the request id and the error (fail logged it too).
func TestServerErrorLoggedOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		if err := e.db.Exec("DROP TABLE notifications").Error; err != nil { // the database breaks
			t.Fatal(err)
		}
		before := len(logLines(t, e))
		r := e.do("GET", "/api/v1/me/notifications", nil, s.Access).expect(t, 500, 50000)
		var mentions []map[string]any
		for _, line := range logLines(t, e)[before:] {
			if line["request_id"] == r.RequestID {
				mentions = append(mentions, line)
			}
		}
		if len(mentions) != 1 {
			t.Fatalf("%d log lines for the request, want 1: %v", len(mentions), mentions)
		}
		if l := mentions[0]; l["msg"] != "request" || l["level"] != "ERROR" || l["status"] != float64(500) ||
			!strings.Contains(fmt.Sprint(l["err"]), "notifications") {
			t.Errorf("the 500's line: %v", l)
		}
	})
}
