package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/account"
)

// TestConsoleTicketDiesWithTheAccount: a console ticket confirmed by an
// admin whose account then closes (注销) hands over no session: the poll
// finds the ticket gone, and no token of the closed account works (found
// by review: the poll opened a fresh session that nothing revoked).
func TestConsoleTicketDiesWithTheAccount(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		chair := tr.chair1
		e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": "不再使用"}, chair.Access).expect(t, 201, 0)
		e.clock.Advance(7*24*time.Hour - 30*time.Second)
		chair = e.refreshed(chair)
		lt := e.newTicket(t)
		e.confirmTicket(t, lt.Ticket, chair).expect(t, 200, 0)
		e.clock.Advance(time.Minute)
		if !e.runDeactivations(context.Background(), "node-a", account.Config{}) {
			t.Fatal("the cancellation did not run")
		}
		e.do("GET", "/api/v1/me", nil, chair.Access).expect(t, 401, 40100)
		e.pollTicket(t, lt.Ticket).expect(t, 404, 40400)
		e.pollTicket(t, lt.Ticket).expect(t, 404, 40400)
	})
}
