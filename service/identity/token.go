package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/internal/jws"
)

// accessClaims are the claims of an access token: the user and the session
// it belongs to, so a revoked session stops its tokens.
type accessClaims struct {
	SessionID string `json:"sid"`
	// MemberHint is Principal.MemberHint, when there is one.
	MemberHint string `json:"mid,omitempty"`
	jwt.RegisteredClaims
}

const accessIssuer = "unionhub"

func (s *Service) signAccess(userID, sessionID, memberHint int64) (string, error) {
	now := s.now()
	claims := accessClaims{
		SessionID: strconv.FormatInt(sessionID, 10),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    accessIssuer,
			Subject:   strconv.FormatInt(userID, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.AccessTTL)),
		},
	}
	if memberHint != 0 {
		claims.MemberHint = strconv.FormatInt(memberHint, 10)
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.cfg.TokenKey)
}

// ParseAccess checks an access token's alg (HS256 only), signature,
// issuer and expiry, in that order (an expired token whose signature is
// not ours is not "expired"); it reads nothing (see CheckSession). A
// token checked before is not checked again: only its expiry is.
func (s *Service) ParseAccess(token string) (Principal, error) {
	c, ok := s.checked.Get(token)
	if !ok {
		var err error
		if c, err = s.checkAccess(token); err != nil {
			return Principal{}, err
		}
		s.checked.Put(token, c)
	}
	if !s.now().Before(c.expires) {
		return Principal{}, service.ErrTokenExpired
	}
	return c.p, nil
}

// checkedAccess is what an access token whose signature and claims are
// good says: its principal and its expiry.
type checkedAccess struct {
	p       Principal
	expires time.Time
}

// checkedAccessTokens bounds the memo of checked access tokens (a few
// hundred bytes each): the tokens of the callers active at one time.
const checkedAccessTokens = 4096

// checkAccess checks token's alg, signature and issuer, and reads its
// claims; the expiry is left to the caller.
func (s *Service) checkAccess(token string) (checkedAccess, error) {
	t, err := jws.Parse(token, maxAccessLen)
	if err != nil || t.Header.Alg != jwt.SigningMethodHS256.Alg() {
		return checkedAccess{}, service.ErrUnauthenticated
	}
	var claims struct {
		SessionID  string   `json:"sid"`
		MemberHint string   `json:"mid"`
		Issuer     string   `json:"iss"`
		Subject    string   `json:"sub"`
		ExpiresAt  *float64 `json:"exp"`
	}
	if err := t.Claims(&claims); err != nil {
		return checkedAccess{}, service.ErrUnauthenticated
	}
	if good, err := t.VerifyHS256(s.cfg.TokenKey); err != nil || !good {
		return checkedAccess{}, service.ErrUnauthenticated
	}
	if claims.Issuer != accessIssuer || claims.ExpiresAt == nil {
		return checkedAccess{}, service.ErrUnauthenticated
	}
	uid, err1 := strconv.ParseInt(claims.Subject, 10, 64)
	sid, err2 := strconv.ParseInt(claims.SessionID, 10, 64)
	if err1 != nil || err2 != nil {
		return checkedAccess{}, service.ErrUnauthenticated
	}
	p := Principal{UserID: uid, SessionID: sid}
	if claims.MemberHint != "" {
		p.MemberHint, _ = strconv.ParseInt(claims.MemberHint, 10, 64) // a hint: unreadable is none
	}
	return checkedAccess{p: p, expires: jws.Time(*claims.ExpiresAt)}, nil
}

// maxAccessLen bounds the work a hostile access token causes.
const maxAccessLen = 4096

// newRefreshToken returns "<session id>.<256 random bits>" and its hash.
// Only the hash is stored; the id lets refresh find the session.
func newRefreshToken(sid int64) (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	token = strconv.FormatInt(sid, 10) + "." + base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func parseRefreshToken(token string) (int64, bool) {
	sidText, secret, found := strings.Cut(token, ".")
	if !found || len(secret) < 43 || len(token) > 128 {
		return 0, false
	}
	sid, err := strconv.ParseInt(sidText, 10, 64)
	return sid, err == nil && sid > 0
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
