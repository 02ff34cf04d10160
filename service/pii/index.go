package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Domains for BlindIndexFor. Columns that are compared with each other must
// use the same domain; different columns should use different ones.
const (
	// DomainIDNumber indexes ID numbers (id_number_idx, roll_key).
	DomainIDNumber = "id_number"
	// DomainPhone indexes phone numbers (phone_idx).
	DomainPhone = "phone"
)

// domainKeyLabel prefixes the domain when deriving its key, so the derived
// keys cannot be confused with any other use of the index key.
const domainKeyLabel = "unionhub/pii/blind-index/v1/"

// BlindIndex returns the lower-case hex HMAC-SHA256, under the index key, of
// value with surrounding white space removed and letters upper-cased (an ID
// number ending in x or X indexes the same). Callers reduce values to one
// canonical form first (for phones: with or without +86, never both). It
// returns 64 characters.
func (c *Cipher) BlindIndex(value string) string {
	return blindIndex(c.indexKey, value)
}

// BlindIndexFor is BlindIndex under a key derived for domain (see
// DomainIDNumber, DomainPhone), so equal values in different columns get
// unrelated indexes and a leaked index of one kind cannot be matched against
// another.
func (c *Cipher) BlindIndexFor(domain, value string) string {
	m := hmac.New(sha256.New, c.indexKey)
	m.Write([]byte(domainKeyLabel + domain))
	return blindIndex(m.Sum(nil), value)
}

func blindIndex(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(normalize(value)))
	return hex.EncodeToString(m.Sum(nil))
}

func normalize(value string) string {
	return strings.ToUpper(strings.TrimSpace(value))
}
