package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/service/card"
)

func TestProductionNeedsCardKeys(t *testing.T) {
	var out lockedBuffer
	err := run(context.Background(), []string{"serve"}, env{stdout: &out, stderr: &out,
		lookup: lookupFrom(map[string]string{"UNIONHUB_ENV": "production", "UNIONHUB_DATA_DIR": t.TempDir()})})
	if err == nil || !strings.Contains(err.Error(), "UNIONHUB_CARD_KEYS") || !strings.Contains(err.Error(), "UNIONHUB_CARD_ACTIVE_KEY") {
		t.Fatalf("production without card keys: %v", err)
	}
}

func TestCardSecrets(t *testing.T) {
	seed := make([]byte, 32)
	_, _ = rand.Read(seed)
	spec := "2026a:" + base64.StdEncoding.EncodeToString(seed)

	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	s, err := node.LoadSecrets(cfg)
	if err != nil || !s.Generated || s.Card.Validate() != nil {
		t.Fatalf("development: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(cfg.DataDir, card.DevKeysFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("dev card key file: %v %v", fi, err)
	}

	cfg.Keys.CardKeys, cfg.Keys.CardActiveKey = spec+",2026b:"+base64.StdEncoding.EncodeToString(seed[:16]), "2026a"
	if _, err := node.LoadSecrets(cfg); err == nil || !strings.Contains(err.Error(), "UNIONHUB_CARD_KEYS") {
		t.Fatalf("a short seed: %v", err)
	}
	cfg.Keys.CardKeys = spec
	s, err = node.LoadSecrets(cfg)
	if err != nil || s.Card.Active != "2026a" || len(s.Card.Keys) != 1 {
		t.Fatalf("configured: %+v %v", s.Card, err)
	}

	// Production refuses any generated key, the card key included.
	cfg.Env = config.EnvProduction
	cfg.Keys.CardKeys, cfg.Keys.CardActiveKey = "", ""
	if _, err := node.LoadSecrets(cfg); err == nil || !strings.Contains(err.Error(), "UNIONHUB_CARD_KEYS") {
		t.Fatalf("production with a generated card key: %v", err)
	}
}
