// Package jws reads and writes compact JWS tokens (JWTs) of the two kinds
// UnionHub issues: HS256 access tokens and EdDSA card tokens. Both are
// checked on hot paths, so this does only what those tokens need: a fixed
// header per key, claims decoded straight into the caller's struct, and no
// maps or reflection over headers. It checks no claim itself: callers do,
// after the signature.
package jws

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
)

// ErrMalformed: the token is not three base64url segments, or its header
// or claims are not JSON.
var ErrMalformed = errors.New("jws: malformed token")

// Header is the part of a token's header UnionHub reads.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// Token is a compact token split into its segments.
type Token struct {
	Header       Header
	claims       string // base64url, decoded by Claims
	signature    string // base64url
	signingInput string // header.claims, what the signature covers
}

// b64 decodes strictly: a segment whose unused trailing bits are not zero
// is refused, so no token has a second spelling (flipping the last
// character of a signature could otherwise leave its bytes unchanged).
var b64 = base64.RawURLEncoding.Strict()

// Parse splits token and decodes its header; the claims and the signature
// are decoded when asked for. maxLen bounds the work a hostile token causes.
func Parse(token string, maxLen int) (*Token, error) {
	if token == "" || len(token) > maxLen {
		return nil, ErrMalformed
	}
	head, rest, ok1 := strings.Cut(token, ".")
	claims, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") {
		return nil, ErrMalformed
	}
	raw, err := b64.DecodeString(head)
	if err != nil {
		return nil, ErrMalformed
	}
	t := &Token{claims: claims, signature: sig, signingInput: token[:len(head)+1+len(claims)]}
	if json.Unmarshal(raw, &t.Header) != nil {
		return nil, ErrMalformed
	}
	return t, nil
}

// Claims decodes the claims into v (without trusting them: check the
// signature before acting on them).
func (t *Token) Claims(v any) error {
	raw, err := b64.DecodeString(t.claims)
	if err != nil || json.Unmarshal(raw, v) != nil {
		return ErrMalformed
	}
	return nil
}

// VerifyEd25519 reports whether the signature is pub's over the token; an
// undecodable signature is ErrMalformed.
func (t *Token) VerifyEd25519(pub ed25519.PublicKey) (bool, error) {
	sig, err := b64.DecodeString(t.signature)
	if err != nil {
		return false, ErrMalformed
	}
	return ed25519.Verify(pub, []byte(t.signingInput), sig), nil
}

// VerifyHS256 reports whether the signature is the HMAC-SHA256 of the token
// under key (compared in constant time).
func (t *Token) VerifyHS256(key []byte) (bool, error) {
	sig, err := b64.DecodeString(t.signature)
	if err != nil {
		return false, ErrMalformed
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(t.signingInput))
	return hmac.Equal(sig, m.Sum(nil)), nil
}

// EdDSAHeader returns the encoded header of EdDSA tokens signed with key
// kid, to pass to SignEd25519 (the same bytes a JWT library writes).
func EdDSAHeader(kid string) string {
	raw, _ := json.Marshal(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}{"EdDSA", kid, "JWT"})
	return b64.EncodeToString(raw)
}

// SignEd25519 returns the token of claims (JSON) under header (from
// EdDSAHeader), signed with priv.
func SignEd25519(header string, claims []byte, priv ed25519.PrivateKey) string {
	n := len(header) + 1 + b64.EncodedLen(len(claims))
	buf := make([]byte, n, n+1+b64.EncodedLen(ed25519.SignatureSize))
	copy(buf, header)
	buf[len(header)] = '.'
	b64.Encode(buf[len(header)+1:], claims)
	sig := ed25519.Sign(priv, buf)
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, sig)
	return string(buf)
}

// Time turns a NumericDate claim (seconds since the epoch, maybe with a
// fraction) into a time.
func Time(numericDate float64) time.Time {
	sec, frac := math.Modf(numericDate)
	return time.Unix(int64(sec), int64(frac*1e9))
}
