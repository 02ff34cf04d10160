package identity_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/wechat"
)

// stubWeChat answers every code with the openid "o-"+code.
type stubWeChat struct{}

func (stubWeChat) Code2Session(_ context.Context, code string) (wechat.Session, error) {
	return wechat.Session{OpenID: "o-" + code}, nil
}

func (stubWeChat) PhoneNumber(context.Context, string) (string, error) { return "", wechat.ErrUpstream }

// TestClusterSessionRevocation runs sessions on a three-master Redis Cluster
// with two identity services standing for two nodes: a session logged out
// through one is refused through the other at once, and sessions whose keys
// live in different slots are revoked one by one without a multi-key command.
func TestClusterSessionRevocation(t *testing.T) {
	c := cache.WithPrefix(cachetest.Cluster(t), cachetest.Prefix()) // skips without redis-server
	db := modeltest.Open(t, modeltest.Backends()[0])
	cipher := piitest.Cipher(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	node := func() *identity.Service {
		return identity.New(db, c, stubWeChat{}, cipher, ratelimit.New(c, nil), identity.Config{
			AccessTTL: time.Hour, RefreshTTL: 24 * time.Hour, TokenKey: bytes.Repeat([]byte("k"), 32),
		}, nil, log)
	}
	a, b := node(), node()
	ctx := context.Background()
	var tokens []string
	for _, code := range []string{"alice", "bob", "carol", "dave"} {
		tok, err := a.Login(ctx, code)
		if err != nil {
			t.Fatalf("Login(%s): %v", code, err)
		}
		tokens = append(tokens, tok.AccessToken)
	}
	var principals []identity.Principal
	for _, tok := range tokens {
		p, err := b.Authenticate(ctx, tok) // caches "active" through B
		if err != nil {
			t.Fatalf("Authenticate on B: %v", err)
		}
		principals = append(principals, p)
	}
	for _, p := range principals[:3] {
		if err := a.Logout(ctx, p); err != nil {
			t.Fatalf("Logout on A: %v", err)
		}
	}
	for i, tok := range tokens {
		_, err := b.Authenticate(ctx, tok)
		if i < 3 && service.KindOf(err) != service.KindUnauthenticated {
			t.Errorf("session %d logged out on A: Authenticate on B = %v, want unauthenticated", i, err)
		}
		if i == 3 && err != nil {
			t.Errorf("session never logged out: Authenticate on B = %v", err)
		}
	}
}
