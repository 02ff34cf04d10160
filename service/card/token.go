package card

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Reason says why a card token was refused (API.md §7), in the order the
// checks run.
type Reason string

// The reasons, and Valid for a token that passed every check.
const (
	Valid              Reason = "valid"
	ReasonMalformed    Reason = "malformed"     // not a JWT, or an alg other than EdDSA
	ReasonUnknownKey   Reason = "unknown_key"   // kid not among the published keys
	ReasonBadSignature Reason = "bad_signature" // the signature does not match
	ReasonExpired      Reason = "expired"       // past exp (with ClockSkew)
	ReasonNotActive    Reason = "not_active"    // suspended, left, removed, deceased
	ReasonRevoked      Reason = "revoked"       // the card was reissued after this token
)

// claims are a card token's claims: sub (member id), no (member number),
// iat, exp, jti, and cv, the card version the token was issued under (a
// reissue moves it on, which revokes the token). No name, no ID number.
type claims struct {
	No string `json:"no"`
	CV int    `json:"cv"`
	jwt.RegisteredClaims
}

// Token is a signed card token and its times.
type Token struct {
	Token        string
	IssuedAt     time.Time
	ExpiresAt    time.Time
	RefreshAfter time.Time
}

// issue signs a token for a member's card.
func (s *Service) issue(memberID int64, memberNo string, cardVersion int) (Token, error) {
	now := s.now().Truncate(time.Second)
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	c := claims{No: memberNo, CV: cardVersion, RegisteredClaims: jwt.RegisteredClaims{
		Subject:   strconv.FormatInt(memberID, 10),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(TokenTTL)),
		ID:        base64.RawURLEncoding.EncodeToString(jti[:]),
	}}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = s.active.ID
	signed, err := t.SignedString(s.active.Private)
	if err != nil {
		return Token{}, err
	}
	return Token{Token: signed, IssuedAt: now, ExpiresAt: now.Add(TokenTTL), RefreshAfter: now.Add(RefreshAfter)}, nil
}

// checked is what a token says once its signature is known to be ours.
type checked struct {
	MemberID    int64
	MemberNo    string
	CardVersion int
	TokenID     string
}

// maxTokenLen bounds the work a hostile token can cause.
const maxTokenLen = 2048

// check runs the offline checks in the contract's order: malformed,
// unknown_key, bad_signature, expired. authentic reports that the
// signature is ours (so the claims can be trusted even when expired).
// The header is read here, before the JWT library sees the token, so an
// unknown alg (none, HS256 …) is malformed rather than anything later.
func (s *Service) check(token string) (c checked, reason Reason, authentic bool) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > maxTokenLen {
		return c, ReasonMalformed, false
	}
	head, _, found := strings.Cut(token, ".")
	if !found || strings.Count(token, ".") != 2 {
		return c, ReasonMalformed, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return c, ReasonMalformed, false
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil || h.Alg != jwt.SigningMethodEdDSA.Alg() || h.Kid == "" {
		return c, ReasonMalformed, false
	}
	pub, known := s.publicKey(h.Kid)
	if !known {
		return c, ReasonUnknownKey, false
	}
	var cl claims
	_, err = s.parser.ParseWithClaims(token, &cl, func(*jwt.Token) (any, error) { return pub, nil })
	switch {
	case err == nil:
		authentic = true
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return c, ReasonBadSignature, false
	case errors.Is(err, jwt.ErrTokenExpired):
		authentic, reason = true, ReasonExpired
	default:
		return c, ReasonMalformed, false
	}
	id, err := strconv.ParseInt(cl.Subject, 10, 64)
	if err != nil || id <= 0 || cl.ID == "" || len(cl.ID) > 64 || cl.IssuedAt == nil {
		return c, ReasonMalformed, false
	}
	c = checked{MemberID: id, MemberNo: cl.No, CardVersion: cl.CV, TokenID: cl.ID}
	if reason == "" {
		reason = Valid
	}
	return c, reason, authentic
}
