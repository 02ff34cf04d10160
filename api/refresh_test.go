package api_test

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
)

// refreshed is the data of a 200 from /auth/refresh.
type refreshed struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func (e *testEnv) refresh(t *testing.T, token string) reply {
	t.Helper()
	return e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": token}, "")
}

// A refresh token that was never issued, with the session id of a real
// session, is a plain 401 that revokes nothing (DESIGN §4): whoever learns
// or guesses a session id cannot log its owner out.
func TestRefreshForgedTokenRevokesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		var cur refreshed
		e.refresh(t, s.Refresh).expect(t, 200, 0).decode(t, &cur) // s.Refresh is now spent
		sid, _, _ := strings.Cut(cur.RefreshToken, ".")
		var b [32]byte
		_, _ = rand.Read(b[:])
		tests := []struct{ name, token string }{
			{"real session id, random secret", sid + "." + base64.RawURLEncoding.EncodeToString(b[:])},
			{"current token with a changed character", changeLast(cur.RefreshToken)},
			{"spent token with a changed character", changeLast(s.Refresh)},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.refresh(t, tc.token).expect(t, 401, 40100)
				e.do("GET", "/api/v1/me", nil, cur.AccessToken).expect(t, 200, 0)
			})
		}
		var next refreshed
		e.refresh(t, cur.RefreshToken).expect(t, 200, 0).decode(t, &next)
		e.do("GET", "/api/v1/me", nil, next.AccessToken).expect(t, 200, 0)
	})
}

// changeLast returns tok with its last character replaced by another.
func changeLast(tok string) string {
	if strings.HasSuffix(tok, "A") {
		return tok[:len(tok)-1] + "B"
	}
	return tok[:len(tok)-1] + "A"
}

// A token that was issued and already spent, presented again, revokes its
// whole family, however it was spent: by an earlier refresh, or by a
// concurrent one that won the race.
func TestRefreshSpentTokenRevokesFamily(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		s := e.login(uniqueOpenID(t))
		var a, b refreshed
		e.refresh(t, s.Refresh).expect(t, 200, 0).decode(t, &a)
		e.refresh(t, a.RefreshToken).expect(t, 200, 0).decode(t, &b)
		e.refresh(t, s.Refresh).expect(t, 401, 40100) // two rotations back
		e.refresh(t, b.RefreshToken).expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, b.AccessToken).expect(t, 401, 40100)

		s2 := e.login(uniqueOpenID(t))
		replies := make([]reply, 4)
		var wg sync.WaitGroup
		for i := range replies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				replies[i] = e.refresh(t, s2.Refresh)
			}()
		}
		wg.Wait()
		var won []refreshed
		for _, r := range replies {
			switch {
			case r.Status == 200:
				var w refreshed
				r.decode(t, &w)
				won = append(won, w)
			case r.Status != 401 || r.Code != 40100:
				t.Errorf("concurrent refresh: %d/%d, want 200 or 401/40100: %s", r.Status, r.Code, r.Raw)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d concurrent refreshes of one token won, want 1", len(won))
		}
		e.refresh(t, won[0].RefreshToken).expect(t, 401, 40100)
		e.do("GET", "/api/v1/me", nil, won[0].AccessToken).expect(t, 401, 40100)
	})
}
