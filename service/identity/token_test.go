package identity_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// TestParseAccessAgain: an access token checked once is still refused once
// it expires, and a token differing from it in one character is refused
// however often the good one was accepted (the memo of checked tokens
// spares the signature check, nothing else).
func TestParseAccessAgain(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		c := cache.NewMemory(nil)
		s := identity.New(db, c, stubWeChat{}, piitest.Cipher(t), ratelimit.New(c, nil), identity.Config{
			AccessTTL: time.Hour, RefreshTTL: 24 * time.Hour, TokenKey: bytes.Repeat([]byte("k"), 32),
		}, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		tok, err := s.Login(context.Background(), "memo")
		if err != nil {
			t.Fatal(err)
		}
		first, err := s.ParseAccess(tok.AccessToken)
		if err != nil || first.UserID == 0 || first.SessionID == 0 {
			t.Fatalf("first parse: %+v, %v", first, err)
		}
		steps := []struct {
			name    string
			advance time.Duration
			token   string
			want    service.Kind
		}{
			{"the same token again", 0, tok.AccessToken, 0},
			{"one character changed", 0, flipLast(tok.AccessToken), service.KindUnauthenticated},
			{"a minute before it expires", 58 * time.Minute, tok.AccessToken, 0},
			{"once it expired", 2 * time.Minute, tok.AccessToken, service.KindTokenExpired},
		}
		for _, st := range steps {
			now = now.Add(st.advance)
			p, err := s.ParseAccess(st.token)
			if got := service.KindOf(err); got != st.want {
				t.Fatalf("%s: err %v (kind %v), want kind %v", st.name, err, got, st.want)
			}
			if err == nil && p != first {
				t.Fatalf("%s: %+v, want %+v", st.name, p, first)
			}
		}
	})
}
