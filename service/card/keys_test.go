package card_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/card"
)

func TestParseKeys(t *testing.T) {
	two := seedSpec(t, "2026a", "2026b")
	tests := []struct {
		name, spec, active string
		wantErr            string
	}{
		{"one key, active implied", seedSpec(t, "k1"), "", ""},
		{"two keys", two, "2026b", ""},
		{"two keys, no active", two, "", "active"},
		{"active unknown", two, "zzz", "active"},
		{"empty", "", "", "no card keys"},
		{"no colon", "abc", "", "kid:base64seed"},
		{"bad base64", "k1:!!!", "", "base64"},
		{"short seed", "k1:AAAA", "", "32 bytes"},
		{"bad kid", strings.Replace(seedSpec(t, "k1"), "k1", "k.1", 1), "k.1", "key id"},
		{"duplicate kid", seedSpec(t, "k1") + "," + seedSpec(t, "k1"), "k1", "twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := card.ParseKeys(tc.spec, tc.active)
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want an error about %q", err, tc.wantErr)
			}
		})
	}
}

func TestDevKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := card.LoadOrCreateDevKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, card.DevKeysFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev key file: %v %v", fi, err)
	}
	k2, err := card.LoadOrCreateDevKeys(dir)
	if err != nil || !k1.Generated || k2.Active != k1.Active || !k2.Keys[0].Public.Equal(k1.Keys[0].Public) {
		t.Fatalf("dev keys not reused: %v", err)
	}
}

// TestKeyRotation: a node that signs with a new key still accepts tokens of
// the old one while it stays in the ring, and publishes both.
func TestKeyRotation(t *testing.T) {
	f := newFixture(t, modeltest.Backends()[0])
	m := f.member(f.union)
	old := f.token(m)
	spec := seedSpec(t, "k2")
	// Rebuild the ring with the fixture's k1 (from its key set) and k2.
	oldKeys := f.ring
	newKeys, err := card.ParseKeys(spec, "k2")
	if err != nil {
		t.Fatal(err)
	}
	ring := card.Keys{Keys: append(oldKeys.Keys, newKeys.Keys...), Active: "k2"}
	svc, err := card.New(service.Env{Now: f.clock.Now}, card.Deps{DB: f.db, Cache: cache.NewMemory(f.clock.Now), Keys: ring, PII: f.cipher}, card.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := svc.Verify(context.Background(), f.verifier, old, 0); err != nil || !r.Valid {
		t.Fatalf("old token after rotation: %+v %v", r, err)
	}
	c, _ := svc.MyCard(context.Background(), *m.UserID)
	if pub := svc.PublicKeys(); len(pub) != 2 || pub[0].ID != "k2" || pub[1].ID != "k1" {
		t.Fatalf("published keys: %v", pub)
	}
	if r, _ := f.svc.Verify(context.Background(), f.verifier, c.QR.Token, 0); r.Reason != card.ReasonUnknownKey {
		t.Fatalf("a node without k2 says %s", r.Reason)
	}
}
