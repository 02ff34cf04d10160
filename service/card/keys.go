package card

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Key is one card-signing key: an Ed25519 key pair named by its kid.
type Key struct {
	ID      string
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
}

// Keys is the ring of card-signing keys. Every key is published at
// /card-keys, so tokens signed with a retiring key keep verifying while it
// stays in the ring; Active signs new tokens.
type Keys struct {
	Keys   []Key
	Active string
	// Generated marks development keys from the data dir.
	Generated bool
}

var kidPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// ParseKeys reads "kid:base64(32-byte Ed25519 seed),kid2:…" (standard or
// URL-safe base64) with active naming the signing key; an empty active
// means the only key when there is one.
func ParseKeys(spec, active string) (Keys, error) {
	var k Keys
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kid, b64, found := strings.Cut(part, ":")
		if !found {
			return k, fmt.Errorf("%q: want kid:base64seed", part)
		}
		seed, err := decodeSeed(b64)
		if err != nil {
			return k, fmt.Errorf("key %q: %w", kid, err)
		}
		k.Keys = append(k.Keys, newKey(kid, seed))
	}
	k.Active = strings.TrimSpace(active)
	if k.Active == "" && len(k.Keys) == 1 {
		k.Active = k.Keys[0].ID
	}
	return k, k.Validate()
}

// Validate checks the ring: at least one key, kids well formed and
// distinct, the active key among them.
func (k Keys) Validate() error {
	if len(k.Keys) == 0 {
		return errors.New("no card keys")
	}
	seen := map[string]bool{}
	for _, key := range k.Keys {
		if !kidPattern.MatchString(key.ID) {
			return fmt.Errorf("key id %q: 1 to 32 letters, digits, '-' or '_'", key.ID)
		}
		if seen[key.ID] {
			return fmt.Errorf("key id %q appears twice", key.ID)
		}
		if len(key.Private) != ed25519.PrivateKeySize {
			return fmt.Errorf("key %q: not an Ed25519 key", key.ID)
		}
		seen[key.ID] = true
	}
	if !seen[k.Active] {
		return fmt.Errorf("active card key %q is not among the keys", k.Active)
	}
	return nil
}

func decodeSeed(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		seed, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, errors.New("seed is not base64")
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("seed must be %d bytes, got %d", ed25519.SeedSize, len(seed))
	}
	return seed, nil
}

func newKey(kid string, seed []byte) Key {
	priv := ed25519.NewKeyFromSeed(seed)
	return Key{ID: strings.TrimSpace(kid), Private: priv, Public: priv.Public().(ed25519.PublicKey)}
}

// photoKey derives the HMAC key of photo links from a signing key, so the
// links rotate with the card keys and need no secret of their own.
func (k Key) photoKey() []byte {
	m := hmac.New(sha256.New, k.Private.Seed())
	m.Write([]byte("unionhub card photo link v1"))
	return m.Sum(nil)
}
