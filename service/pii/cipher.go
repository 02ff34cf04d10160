package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"strings"
)

// textPrefix starts every sealed string; the digit is the format version.
const textPrefix = "v1."

// binaryVersion is the first byte of every sealed byte slice.
const binaryVersion byte = 1

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

// Encrypt seals plaintext under the active key and returns ASCII text
// "v1.<kid>.<base64url(nonce||ciphertext||tag)>", safe for a VARCHAR column.
// The version and key id are authenticated along with the data.
func (c *Cipher) Encrypt(plaintext string) (string, error) {
	header := textPrefix + c.active + "."
	sealed, err := c.seal(nil, []byte(plaintext), []byte(header))
	if err != nil {
		return "", err
	}
	return header + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Decrypt opens a value made by Encrypt under any key this Cipher holds. Every
// failure is ErrDecrypt.
func (c *Cipher) Decrypt(s string) (string, error) {
	rest, ok := strings.CutPrefix(s, textPrefix)
	if !ok {
		return "", fmt.Errorf("%w: not a v1 sealed value", ErrDecrypt)
	}
	kid, data, ok := strings.Cut(rest, ".")
	if !ok {
		return "", fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	sealed, err := base64.RawURLEncoding.Strict().DecodeString(data)
	if err != nil {
		return "", fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	header := s[:len(s)-len(data)]
	plain, err := c.open(kid, sealed, []byte(header))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// EncryptBytes seals a file under the active key. The result is binary:
// version byte, key-id length byte, key id, nonce, ciphertext and tag; the
// header is authenticated along with the data.
func (c *Cipher) EncryptBytes(plaintext []byte) ([]byte, error) {
	header := make([]byte, 0, 2+len(c.active))
	header = append(header, binaryVersion, byte(len(c.active)))
	header = append(header, c.active...)
	out := make([]byte, len(header), len(header)+c.aeads[c.active].Overhead()+len(plaintext))
	copy(out, header)
	return c.seal(out, plaintext, header)
}

// DecryptBytes opens a value made by EncryptBytes under any key this Cipher
// holds. Every failure is ErrDecrypt.
func (c *Cipher) DecryptBytes(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != binaryVersion {
		return nil, fmt.Errorf("%w: not a v1 sealed value", ErrDecrypt)
	}
	end := 2 + int(b[1])
	if len(b) < end {
		return nil, fmt.Errorf("%w: malformed value", ErrDecrypt)
	}
	return c.open(string(b[2:end]), b[end:], b[:end])
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
