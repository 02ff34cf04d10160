package pii

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

const (
	// encKeySize is the AES-256 key length.
	encKeySize = 32
	// minIndexKeySize matches the HMAC-SHA256 block strength.
	minIndexKeySize = 32
	// maxKeyIDLen keeps ids short enough to store beside every value, and
	// shorter than any base64 form of a 32-byte key (43 characters), so a key
	// pasted where its id belongs is rejected instead of quoted in an error.
	maxKeyIDLen = 32
)

// Keys is the key material a Cipher works with. It comes from configuration
// in production and from LoadOrCreateDevKeys in development.
type Keys struct {
	// EncKeys maps a key id to a 32-byte AES-256 key. Every key that ever
	// sealed stored data must stay here until that data is re-encrypted.
	EncKeys map[string][]byte
	// ActiveKeyID names the key in EncKeys that seals new data.
	ActiveKeyID string
	// IndexKey is the HMAC key of the blind index, at least 32 bytes and
	// distinct from every encryption key. Changing it invalidates every
	// stored index.
	IndexKey []byte
	// Generated marks development keys made by LoadOrCreateDevKeys (whether
	// created now or read back from the file); production refuses them.
	Generated bool
}

// Validate reports the first problem that would make the keys unusable. Its
// messages name key ids and lengths, never key bytes.
func (k Keys) Validate() error {
	if len(k.EncKeys) == 0 {
		return errors.New("pii: no encryption keys")
	}
	for _, kid := range slices.Sorted(maps.Keys(k.EncKeys)) {
		if err := checkKeyID(kid); err != nil {
			return fmt.Errorf("pii: encryption keys: %w", err)
		}
		if n := len(k.EncKeys[kid]); n != encKeySize {
			return fmt.Errorf("pii: encryption key %q is %d bytes, want %d", kid, n, encKeySize)
		}
		if bytes.Equal(k.EncKeys[kid], k.IndexKey) {
			return fmt.Errorf("pii: index key must differ from encryption key %q", kid)
		}
	}
	if k.ActiveKeyID == "" {
		return errors.New("pii: no active key id")
	}
	if err := checkKeyID(k.ActiveKeyID); err != nil {
		return fmt.Errorf("pii: active key: %w", err)
	}
	if _, ok := k.EncKeys[k.ActiveKeyID]; !ok {
		return fmt.Errorf("pii: active key id %q has no encryption key", k.ActiveKeyID)
	}
	if n := len(k.IndexKey); n < minIndexKeySize {
		return fmt.Errorf("pii: index key is %d bytes, want at least %d", n, minIndexKeySize)
	}
	return nil
}

// String describes the keys without their bytes, so a Keys printed by
// accident (a logged config) leaks nothing.
func (k Keys) String() string {
	ids := make([]string, 0, len(k.EncKeys))
	for kid := range k.EncKeys {
		ids = append(ids, printableKeyID(kid))
	}
	slices.Sort(ids)
	return fmt.Sprintf("pii.Keys{active: %s, enc: [%s], index: %d bytes, generated: %t}",
		printableKeyID(k.ActiveKeyID), strings.Join(ids, " "), len(k.IndexKey), k.Generated)
}

// printableKeyID quotes a well-formed id and hides anything else, which may
// be a key pasted in the wrong place.
func printableKeyID(kid string) string {
	if checkKeyID(kid) != nil {
		return "<invalid>"
	}
	return strconv.Quote(kid)
}

// GoString is String, so %#v hides the key bytes too.
func (k Keys) GoString() string { return k.String() }

// ParseEncKeys reads encryption keys written as "kid1:base64key,kid2:base64key"
// (standard or URL base64, padded or not; spaces around entries ignored).
// Errors name the entry and its key id, never the key.
func ParseEncKeys(s string) (map[string][]byte, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("pii: no encryption keys given")
	}
	keys := make(map[string][]byte)
	for i, entry := range strings.Split(s, ",") {
		n := i + 1
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("pii: encryption key entry %d is empty", n)
		}
		kid, enc, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("pii: encryption key entry %d has no \"kid:\" prefix", n)
		}
		kid = strings.TrimSpace(kid)
		if err := checkKeyID(kid); err != nil {
			return nil, fmt.Errorf("pii: encryption key entry %d: %w", n, err)
		}
		if _, dup := keys[kid]; dup {
			return nil, fmt.Errorf("pii: encryption key entry %d repeats key id %q", n, kid)
		}
		key, err := decodeKey(enc)
		if err != nil {
			return nil, fmt.Errorf("pii: encryption key %q (entry %d): %w", kid, n, err)
		}
		if len(key) != encKeySize {
			return nil, fmt.Errorf("pii: encryption key %q (entry %d) is %d bytes, want %d", kid, n, len(key), encKeySize)
		}
		keys[kid] = key
	}
	return keys, nil
}

// ParseIndexKey reads a base64 blind-index key (standard or URL alphabet) of
// at least 32 bytes. Errors never echo the input.
func ParseIndexKey(s string) ([]byte, error) {
	key, err := decodeKey(s)
	if err != nil {
		return nil, fmt.Errorf("pii: index key: %w", err)
	}
	if len(key) < minIndexKeySize {
		return nil, fmt.Errorf("pii: index key is %d bytes, want at least %d", len(key), minIndexKeySize)
	}
	return key, nil
}

// decodeKey accepts any of the four common base64 forms. The error is fixed
// text: base64 errors quote byte offsets, which is harmless, but a caller
// wrapping the input would not be.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("key is empty")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("key is not valid base64")
}

// checkKeyID keeps ids to characters that need no escaping in the
// "v1.<kid>.<data>" form, in config strings, file names or SQL LIKE patterns.
// Its errors never quote the id: a rejected id may be a misplaced key.
func checkKeyID(kid string) error {
	if kid == "" {
		return errors.New("key id is empty")
	}
	if len(kid) > maxKeyIDLen {
		return fmt.Errorf("key id is %d characters, want at most %d", len(kid), maxKeyIDLen)
	}
	for _, r := range kid {
		if !isKeyIDRune(r) {
			return errors.New("key id may hold only ASCII letters, digits, '-' and '_'")
		}
	}
	return nil
}

func isKeyIDRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}
