package identity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// eachService runs fn on every database backend, with Redis when the test
// environment names one and the in-process cache otherwise.
func eachService(t *testing.T, fn func(t *testing.T, s *identity.Service)) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, newService(t, db)) })
}

func newService(t *testing.T, db *gorm.DB) *identity.Service {
	t.Helper()
	var c cache.Cache = cache.NewMemory(nil)
	if os.Getenv(cachetest.RedisAddrEnv) != "" {
		c = cache.WithPrefix(cachetest.Redis(t), cachetest.Prefix())
	}
	cipher := piitest.Cipher(t)
	return identity.New(db, c, stubWeChat{}, cipher, ratelimit.New(c, nil), identity.Config{
		AccessTTL: time.Hour, RefreshTTL: 24 * time.Hour, TokenKey: bytes.Repeat([]byte("k"), 32),
	}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// forge returns tok's session id with another secret: a token never issued.
func forge(tok string) string {
	sid, _, _ := strings.Cut(tok, ".")
	var b [32]byte
	_, _ = rand.Read(b[:])
	return sid + "." + base64.RawURLEncoding.EncodeToString(b[:])
}

// flipLast changes the last character of tok's secret.
func flipLast(tok string) string {
	last := tok[len(tok)-1]
	if last == 'A' {
		return tok[:len(tok)-1] + "B"
	}
	return tok[:len(tok)-1] + "A"
}

func mustRefresh(t *testing.T, s *identity.Service, tok string) *identity.Tokens {
	t.Helper()
	next, err := s.Refresh(context.Background(), tok)
	if err != nil {
		t.Fatalf("Refresh of the current token: %v", err)
	}
	return next
}

func wantUnauthenticated(t *testing.T, what string, err error) {
	t.Helper()
	if service.KindOf(err) != service.KindUnauthenticated {
		t.Fatalf("%s: err = %v, want unauthenticated", what, err)
	}
}

// A token that was never issued (the session id of a real session, any
// other secret) is refused and revokes nothing: knowing or guessing a
// session id must not let anyone log its owner out.
func TestRefreshNeverIssuedRevokesNothing(t *testing.T) {
	eachService(t, func(t *testing.T, s *identity.Service) {
		ctx := context.Background()
		tests := []struct {
			name  string
			token func(current, spent string) string
		}{
			{"random secret", func(cur, _ string) string { return forge(cur) }},
			{"current token, one character changed", func(cur, _ string) string { return flipLast(cur) }},
			{"spent token, one character changed", func(_, spent string) string { return flipLast(spent) }},
			{"current secret, longer", func(cur, _ string) string { return cur + "A" }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				first, err := s.Login(ctx, "forge-"+tc.name)
				if err != nil {
					t.Fatal(err)
				}
				cur := mustRefresh(t, s, first.RefreshToken) // so the session has a spent token
				for i := 0; i < 3; i++ {
					_, err := s.Refresh(ctx, tc.token(cur.RefreshToken, first.RefreshToken))
					wantUnauthenticated(t, "Refresh of a forged token", err)
				}
				if _, err := s.Authenticate(ctx, cur.AccessToken); err != nil {
					t.Fatalf("the session's access token after forged refreshes: %v", err)
				}
				next := mustRefresh(t, s, cur.RefreshToken)
				if _, err := s.Authenticate(ctx, next.AccessToken); err != nil {
					t.Fatalf("the session's new access token: %v", err)
				}
			})
		}
	})
}

// A token that really was issued and is presented again after it was
// spent revokes the whole family: the current token and every access token
// of the session stop working.
func TestRefreshSpentRevokesFamily(t *testing.T) {
	eachService(t, func(t *testing.T, s *identity.Service) {
		ctx := context.Background()
		for _, depth := range []int{1, 2, model.SpentTokensKept} {
			t.Run(fmt.Sprintf("spent %d rotations ago", depth), func(t *testing.T) {
				tok, err := s.Login(ctx, fmt.Sprintf("spent-%d", depth))
				if err != nil {
					t.Fatal(err)
				}
				spent := tok.RefreshToken
				for i := 0; i < depth; i++ {
					tok = mustRefresh(t, s, tok.RefreshToken)
				}
				_, err = s.Refresh(ctx, spent)
				wantUnauthenticated(t, "Refresh of a spent token", err)
				_, err = s.Refresh(ctx, tok.RefreshToken)
				wantUnauthenticated(t, "Refresh of the current token after reuse", err)
				_, err = s.Authenticate(ctx, tok.AccessToken)
				wantUnauthenticated(t, "Authenticate after reuse", err)
			})
		}
	})
}

// Concurrent refreshes of one valid token: one wins; each other one
// presents a token that was issued and is (by then) spent, a reuse, so the
// family ends, the winner's new tokens included. Clients serialise their
// refreshes (README); run with -race.
func TestRefreshConcurrentReuse(t *testing.T) {
	eachService(t, func(t *testing.T, s *identity.Service) {
		ctx := context.Background()
		tok, err := s.Login(ctx, "concurrent")
		if err != nil {
			t.Fatal(err)
		}
		const n = 6
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []*identity.Tokens
		)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				next, err := s.Refresh(ctx, tok.RefreshToken)
				switch {
				case err == nil:
					mu.Lock()
					winners = append(winners, next)
					mu.Unlock()
				case service.KindOf(err) != service.KindUnauthenticated:
					t.Errorf("Refresh: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d of %d concurrent refreshes won, want 1", len(winners), n)
		}
		_, err = s.Refresh(ctx, winners[0].RefreshToken)
		wantUnauthenticated(t, "the winner's refresh token after the reuse", err)
		_, err = s.Authenticate(ctx, winners[0].AccessToken)
		wantUnauthenticated(t, "the winner's access token after the reuse", err)
	})
}
