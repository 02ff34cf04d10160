package card

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/service/internal/jws"
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
// Times are NumericDates (seconds; a fraction is allowed when reading).
type claims struct {
	No  string   `json:"no"`
	CV  int      `json:"cv"`
	Sub string   `json:"sub"`
	Exp *float64 `json:"exp"`
	Iat *float64 `json:"iat"`
	Jti string   `json:"jti"`
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
	iat, exp := float64(now.Unix()), float64(now.Add(TokenTTL).Unix())
	raw, err := json.Marshal(claims{No: memberNo, CV: cardVersion, Sub: strconv.FormatInt(memberID, 10),
		Exp: &exp, Iat: &iat, Jti: base64.RawURLEncoding.EncodeToString(jti[:])})
	if err != nil {
		return Token{}, err
	}
	signed := jws.SignEd25519(s.active.header, raw, s.active.Private)
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

// Presented is a card token as presented at a counter, split and decoded
// once: for the cache key of its member's state, which a caller prefetches
// with other keys (CacheKey), and then for Verify. Nothing in it is
// trusted before Verify has checked the signature.
type Presented struct {
	token  *jws.Token // nil when not three segments with a JSON header
	claims claims
	good   bool // the claims are JSON
}

// Present splits and decodes a presented token; a malformed one is
// reported as such by Verify.
func Present(token string) Presented {
	t, err := jws.Parse(strings.TrimSpace(token), maxTokenLen)
	if err != nil {
		return Presented{}
	}
	p := Presented{token: t}
	p.good = t.Claims(&p.claims) == nil
	return p
}

// CacheKey is the cache key Verify reads for the member the token names
// (not yet checked: a wrong one costs a wasted read only). ok is false
// when the token names no member.
func (p Presented) CacheKey() (key string, ok bool) {
	if !p.good {
		return "", false
	}
	id, err := strconv.ParseInt(p.claims.Sub, 10, 64)
	if err != nil || id <= 0 {
		return "", false
	}
	return stateKey(id), true
}

// check runs the offline checks in the contract's order: malformed,
// unknown_key, bad_signature, expired. authentic reports that the
// signature is ours (so the claims can be trusted even when expired). An
// alg other than EdDSA (none, HS256 …) is malformed rather than anything
// later; so is a token whose claims are not JSON or lack exp.
func (s *Service) check(p Presented) (c checked, reason Reason, authentic bool) {
	t := p.token
	if t == nil || t.Header.Alg != algEdDSA || t.Header.Kid == "" {
		return c, ReasonMalformed, false
	}
	pub, known := s.publicKey(t.Header.Kid)
	if !known {
		return c, ReasonUnknownKey, false
	}
	if !p.good {
		return c, ReasonMalformed, false
	}
	cl := p.claims
	good, err := t.VerifyEd25519(pub)
	switch {
	case err != nil:
		return c, ReasonMalformed, false
	case !good:
		return c, ReasonBadSignature, false
	}
	id, err := strconv.ParseInt(cl.Sub, 10, 64)
	if err != nil || id <= 0 || cl.Jti == "" || len(cl.Jti) > 64 || cl.Iat == nil || cl.Exp == nil {
		return c, ReasonMalformed, false
	}
	c = checked{MemberID: id, MemberNo: cl.No, CardVersion: cl.CV, TokenID: cl.Jti}
	if !s.now().Before(jws.Time(*cl.Exp).Add(ClockSkew)) {
		return c, ReasonExpired, true
	}
	return c, Valid, true
}

// algEdDSA is the only alg of card tokens.
const algEdDSA = "EdDSA"
