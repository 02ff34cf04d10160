package node

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/pii"
)

// Secrets are the keys a node works with.
type Secrets struct {
	PII       pii.Keys
	TokenKey  []byte // signs access tokens
	Card      card.Keys
	AuditKey  []byte // keys the audit chain; never stored in the database
	Generated bool   // development keys from the data dir
}

// LoadSecrets takes the keys from configuration; in development, missing
// keys are generated once under the data dir (mode 0600) and reused.
// Production never gets here without configured keys (config.Validate).
func LoadSecrets(cfg config.Config) (Secrets, error) {
	var s Secrets
	if cfg.Keys.PIIKeys != "" {
		enc, err := pii.ParseEncKeys(cfg.Keys.PIIKeys)
		if err != nil {
			return s, fmt.Errorf("UNIONHUB_PII_KEYS: %w", err)
		}
		idx, err := pii.ParseIndexKey(cfg.Keys.BlindIndexKey)
		if err != nil {
			return s, fmt.Errorf("UNIONHUB_BLIND_INDEX_KEY: %w", err)
		}
		s.PII = pii.Keys{EncKeys: enc, ActiveKeyID: cfg.Keys.PIIActiveKey, IndexKey: idx}
	} else {
		k, err := pii.LoadOrCreateDevKeys(cfg.DataDir)
		if err != nil {
			return s, err
		}
		s.PII, s.Generated = k, true
	}
	if err := s.PII.Validate(); err != nil {
		return s, err
	}
	if cfg.Keys.TokenKey != "" {
		k, err := decodeKey(cfg.Keys.TokenKey)
		if err != nil {
			return s, fmt.Errorf("UNIONHUB_TOKEN_KEY: %w", err)
		}
		s.TokenKey = k
	} else {
		k, err := devKey(cfg.DataDir, "dev-token-key")
		if err != nil {
			return s, err
		}
		s.TokenKey, s.Generated = k, true
	}
	k, generated, err := loadAuditKey(cfg)
	if err != nil {
		return s, err
	}
	s.AuditKey, s.Generated = k, s.Generated || generated
	if cfg.Keys.CardKeys != "" {
		k, err := card.ParseKeys(cfg.Keys.CardKeys, cfg.Keys.CardActiveKey)
		if err != nil {
			return s, fmt.Errorf("UNIONHUB_CARD_KEYS: %w", err)
		}
		s.Card = k
	} else {
		k, err := card.LoadOrCreateDevKeys(cfg.DataDir)
		if err != nil {
			return s, err
		}
		s.Card, s.Generated = k, true
	}
	if cfg.Production() && s.Generated {
		return s, errors.New("production refuses generated development keys: set UNIONHUB_PII_KEYS, UNIONHUB_BLIND_INDEX_KEY, UNIONHUB_TOKEN_KEY, UNIONHUB_CARD_KEYS and UNIONHUB_AUDIT_KEY")
	}
	return s, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(k) < 32 {
		return nil, fmt.Errorf("must be at least 32 bytes, got %d", len(k))
	}
	return k, nil
}

// AuditKey returns the audit key for the commands that append to or check
// the audit chain without the rest of a node; production refuses a
// generated one.
func AuditKey(cfg config.Config) ([]byte, error) {
	k, generated, err := loadAuditKey(cfg)
	if err == nil && generated && cfg.Production() {
		err = errors.New("production refuses a generated development audit key: set UNIONHUB_AUDIT_KEY")
	}
	return k, err
}

// loadAuditKey takes UNIONHUB_AUDIT_KEY, or in its absence the development
// key under the data dir (generated: true).
func loadAuditKey(cfg config.Config) (key []byte, generated bool, err error) {
	if cfg.Keys.AuditKey != "" {
		k, err := decodeKey(cfg.Keys.AuditKey)
		if err != nil {
			return nil, false, fmt.Errorf("UNIONHUB_AUDIT_KEY: %w", err)
		}
		return k, false, nil
	}
	k, err := devKey(cfg.DataDir, "dev-audit-key")
	return k, true, err
}

// devKey reads or creates the development key DataDir/name.
func devKey(dir, name string) ([]byte, error) {
	path := filepath.Join(dir, name)
	raw, err := os.ReadFile(path)
	if err == nil {
		return decodeKey(string(raw))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// Write a temporary file, then link it into place: the key appears
	// whole or not at all, and of two processes starting at once the first
	// link wins and both read its key.
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	tmp, err := os.CreateTemp(dir, "."+name+"-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(base64.StdEncoding.EncodeToString(k))
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, werr
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return devKey(dir, name)
}
