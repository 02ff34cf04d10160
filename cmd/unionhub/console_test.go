package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// consoleLogin: a console login ticket made through A and confirmed
// through B by admin is handed over exactly once to polls racing on both
// nodes, as a session both nodes accept.
func (n *twoNodes) consoleLogin(t *testing.T, admin string) {
	var lt struct {
		Ticket string `json:"ticket"`
		QRCode string `json:"qrcode"`
	}
	ip := nextIP()
	n.a.call("POST", "/api/v1/console/login-tickets", nil, "", ip).must(t, http.StatusCreated, &lt)
	if !strings.HasPrefix(lt.QRCode, "data:image/png;base64,") {
		t.Fatalf("qrcode %.40q", lt.QRCode)
	}
	path := "/api/v1/console/login-tickets/" + lt.Ticket
	var st struct {
		Status      string `json:"status"`
		AccessToken string `json:"access_token"`
	}
	n.b.call("GET", path, nil, "", ip).must(t, http.StatusOK, &st)
	if st.Status != "pending" {
		t.Fatalf("before confirm: %+v", st)
	}
	n.b.call("POST", path+"/confirm", nil, admin, "").must(t, http.StatusOK, nil)

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		codes  = map[int]int{}
		tokens []string
	)
	const polls = 8 // per node
	for i := range 2 * polls {
		p := n.a
		if i%2 == 1 {
			p = n.b
		}
		wg.Go(func() {
			r, err := p.try("GET", path, nil, "", ip)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			codes[r.Status]++
			if strings.Contains(string(r.Data), `"access_token"`) {
				tokens = append(tokens, string(r.Data))
			}
		})
	}
	wg.Wait()
	if codes[http.StatusOK] != 1 || codes[http.StatusNotFound] != 2*polls-1 || len(tokens) != 1 {
		t.Fatalf("polls on two nodes: statuses %v, %d hand-overs; want one 200 with tokens", codes, len(tokens))
	}
	reply{Status: http.StatusOK, Data: []byte(tokens[0])}.must(t, http.StatusOK, &st)
	for _, p := range []*proc{n.a, n.b} {
		p.call("GET", "/api/v1/me", nil, st.AccessToken, "").must(t, http.StatusOK, nil)
	}
}
