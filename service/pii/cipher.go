package pii

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"strings"
)

// Sealed strings start with a format version. Version 2 binds the value to
// its Slot (column and row) as well as to the version and key id; version
// 1, written before, binds only the version and key id, and is still opened
// so that stored data stays readable.
const (
	textPrefix       = "v2."
	legacyTextPrefix = "v1."
)

// Sealed byte slices start with a version byte, with the same meaning.
const (
	binaryVersion       byte = 2
	legacyBinaryVersion byte = 1
)

// maxPlaintext is GCM's limit for one message (2^32-2 blocks); Seal panics
// beyond it, and Encrypt must not.
const maxPlaintext = (1<<32 - 2) * aes.BlockSize

// Cipher seals and opens personal data and computes blind indexes. It holds
// no mutable state and is safe for concurrent use.
//
// Each seal draws a random 96-bit nonce, so one key must seal fewer than 2^32
// values; rotate to a new key id well before that.
type Cipher struct {
	active   string
	aeads    map[string]cipher.AEAD
	indexKey []byte
}

// New returns a Cipher for k, or the error of k.Validate. It copies what it
// needs, so later changes to k do not reach it.
func New(k Keys) (*Cipher, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	c := &Cipher{
		active:   k.ActiveKeyID,
		aeads:    make(map[string]cipher.AEAD, len(k.EncKeys)),
		indexKey: append([]byte(nil), k.IndexKey...),
	}
	for kid, key := range k.EncKeys {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("pii: encryption key %q: %w", kid, err)
		}
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, fmt.Errorf("pii: encryption key %q: %w", kid, err)
		}
		c.aeads[kid] = aead
	}
	return c, nil
}

// ActiveKeyID returns the id of the key that seals new data, for records
// (such as uploads) that store the key id in a column of their own.
func (c *Cipher) ActiveKeyID() string { return c.active }

// Encrypt seals plaintext under the active key for slot and returns ASCII
// text "v2.<kid>.<base64url(nonce||ciphertext||tag)>", safe for a VARCHAR
// column. The version, the key id and the slot are authenticated along with
// the data, so the value opens only in the same column of the same row.
func (c *Cipher) Encrypt(slot Slot, plaintext string) (string, error) {
	if err := slot.check(); err != nil {
		return "", err
	}
	header := textPrefix + c.active + "."
	sealed, err := c.seal(nil, []byte(plaintext), []byte(header+slot.String()))
	if err != nil {
		return "", err
	}
	return header + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Decrypt opens a value that Encrypt sealed for slot under any key this
// Cipher holds; a version 1 value (which names no slot) opens too. Every
// failure, a value sealed for another slot among them, is ErrDecrypt.
func (c *Cipher) Decrypt(slot Slot, s string) (string, error) {
	if err := slot.check(); err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(s, textPrefix)
	legacy := false
	if !ok {
		if rest, ok = strings.CutPrefix(s, legacyTextPrefix); !ok {
			return "", fmt.Errorf("%w: not a sealed value", ErrDecrypt)
		}
		legacy = true
	}
	kid, data, ok := strings.Cut(rest, ".")
	if !ok {
		return "", fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	sealed, err := base64.RawURLEncoding.Strict().DecodeString(data)
	if err != nil {
		return "", fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	ad := s[:len(s)-len(data)]
	if !legacy {
		ad += slot.String()
	}
	plain, err := c.open(kid, sealed, []byte(ad))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// EncryptBytes seals a file under the active key for slot. The result is
// binary: version byte, key-id length byte, key id, nonce, ciphertext and
// tag; the header and the slot are authenticated along with the data.
func (c *Cipher) EncryptBytes(slot Slot, plaintext []byte) ([]byte, error) {
	if err := slot.check(); err != nil {
		return nil, err
	}
	header := make([]byte, 0, 2+len(c.active))
	header = append(header, binaryVersion, byte(len(c.active)))
	header = append(header, c.active...)
	ad := append(bytes.Clone(header), slot.String()...)
	out := make([]byte, len(header), len(header)+c.aeads[c.active].Overhead()+len(plaintext))
	copy(out, header)
	return c.seal(out, plaintext, ad)
}

// DecryptBytes opens a value that EncryptBytes sealed for slot under any key
// this Cipher holds; a version 1 value (which names no slot) opens too.
// Every failure is ErrDecrypt.
func (c *Cipher) DecryptBytes(slot Slot, b []byte) ([]byte, error) {
	if err := slot.check(); err != nil {
		return nil, err
	}
	if len(b) < 2 || (b[0] != binaryVersion && b[0] != legacyBinaryVersion) {
		return nil, fmt.Errorf("%w: not a sealed value", ErrDecrypt)
	}
	end := 2 + int(b[1])
	if len(b) < end {
		return nil, fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	ad := b[:end:end]
	if b[0] == binaryVersion {
		ad = append(bytes.Clone(ad), slot.String()...)
	}
	return c.open(string(b[2:end]), b[end:], ad)
}

// seal appends nonce, ciphertext and tag to dst. dst must not overlap ad.
func (c *Cipher) seal(dst, plaintext, ad []byte) ([]byte, error) {
	if uint64(len(plaintext)) > maxPlaintext {
		return nil, fmt.Errorf("pii: %d bytes is too large to seal", len(plaintext))
	}
	return c.aeads[c.active].Seal(dst, nil, plaintext, ad), nil
}

func (c *Cipher) open(kid string, sealed, ad []byte) ([]byte, error) {
	if checkKeyID(kid) != nil {
		return nil, fmt.Errorf("%w: malformed key id", ErrDecrypt)
	}
	aead, ok := c.aeads[kid]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key id %q", ErrDecrypt, kid)
	}
	plain, err := aead.Open(nil, nil, sealed, ad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (wrong key or altered data)", ErrDecrypt)
	}
	return plain, nil
}

// Reseal opens s, stored at from, and seals it again for to, for a value
// that is copied to another row or column (a user's phone into an
// application, an application's ID number into the member record).
func (c *Cipher) Reseal(from, to Slot, s string) (string, error) {
	plain, err := c.Decrypt(from, s)
	if err != nil {
		return "", err
	}
	return c.Encrypt(to, plain)
}
