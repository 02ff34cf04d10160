package card_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/card"
)

// TestClusterStatusCache runs the card status cache on a three-master Redis
// Cluster with two card services standing for two nodes: a member suspended
// and invalidated through one is refused at once through the other, and
// the per-member keys (hash-tagged {m:ID}) never need a multi-slot command.
func TestClusterStatusCache(t *testing.T) {
	c := cache.WithPrefix(cachetest.Cluster(t), cachetest.Prefix()) // skips without redis-server
	f := newFixture(t, modeltest.Backends()[0])
	loc, _ := time.LoadLocation("Asia/Shanghai")
	node := func() *card.Service {
		svc, err := card.New(service.Env{Now: f.clock.Now, Location: loc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, card.Deps{DB: f.db, Cache: c, Keys: f.ring, PII: f.cipher}, card.Config{})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	a, b := node(), node()
	verify := func(svc *card.Service, tok string, want card.Reason) {
		t.Helper()
		r, err := svc.Verify(context.Background(), f.verifier, tok, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Reason != want {
			t.Fatalf("got %s, want %s", r.Reason, want)
		}
	}
	ms := []*model.Member{f.member(f.union), f.member(f.union), f.member(f.union)}
	toks := make([]string, len(ms))
	for i, m := range ms {
		toks[i] = f.token(m)
		verify(b, toks[i], card.Valid) // cached through B
	}
	// Suspend every member and announce it through A, one Invalidate each.
	for _, m := range ms {
		if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("status", model.MemberSuspended).Error; err != nil {
			t.Fatal(err)
		}
		if err := a.Invalidate(context.Background(), m.ID); err != nil {
			t.Fatalf("Invalidate on the cluster: %v", err)
		}
	}
	for _, tok := range toks {
		verify(b, tok, card.ReasonNotActive)
		verify(a, tok, card.ReasonNotActive)
	}
}
