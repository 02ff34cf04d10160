package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// cardView is the part of GET /me/card tests read.
type cardView struct {
	MemberID  string  `json:"member_id"`
	MemberNo  string  `json:"member_no"`
	Name      string  `json:"name"`
	UnionName string  `json:"union_name"`
	OrgID     string  `json:"org_id"`
	Status    string  `json:"status"`
	JoinedOn  string  `json:"joined_on"`
	PhotoURL  *string `json:"photo_url"`
	QR        *struct {
		Token        string    `json:"token"`
		ExpiresAt    time.Time `json:"expires_at"`
		RefreshAfter time.Time `json:"refresh_after"`
	} `json:"qr"`
}

// verifyView is the part of POST /verify tests read.
type verifyView struct {
	Valid  bool   `json:"valid"`
	Reason string `json:"reason"`
	Member *struct {
		NameMasked string  `json:"name_masked"`
		MemberNo   string  `json:"member_no"`
		UnionName  string  `json:"union_name"`
		Status     string  `json:"status"`
		PhotoURL   *string `json:"photo_url"`
	} `json:"member"`
	Redemption *struct {
		ID string `json:"id"`
	} `json:"redemption"`
}

// myCard fetches s's card.
func (e *testEnv) myCard(s session) cardView {
	e.t.Helper()
	var c cardView
	e.do("GET", "/api/v1/me/card", nil, s.Access).expect(e.t, 200, 0).decode(e.t, &c)
	return c
}

// cardToken returns a fresh QR token of s's card.
func (e *testEnv) cardToken(s session) string {
	e.t.Helper()
	c := e.myCard(s)
	if c.QR == nil {
		e.t.Fatalf("card without a QR token: %+v", c)
	}
	return c.QR.Token
}

// verifyCard presents token at by's counter, for benefit when not "".
func (e *testEnv) verifyCard(by session, token, benefit string) reply {
	e.t.Helper()
	body := map[string]any{"token": token}
	if benefit != "" {
		body["benefit_id"] = benefit
	}
	return e.do("POST", "/api/v1/verify", body, by.Access)
}

// verifyReason presents token and returns the answer's reason ("" when valid).
func (e *testEnv) verifyReason(t *testing.T, by session, token string) string {
	t.Helper()
	var v verifyView
	e.verifyCard(by, token, "").expect(t, 200, 0).decode(t, &v)
	if v.Valid != (v.Reason == "") {
		t.Fatalf("valid %v with reason %q", v.Valid, v.Reason)
	}
	return v.Reason
}

// newBenefit has by publish a benefit of org running today (dates in the
// business zone); limit nil means no limit.
func (e *testEnv) newBenefit(by session, org string, limit any) string {
	e.t.Helper()
	return e.benefitFrom(by, org, limit, 0, 30)
}

// benefitFrom publishes a benefit running from today+from to today+to days.
func (e *testEnv) benefitFrom(by session, org string, limit any, from, to int) string {
	e.t.Helper()
	today := e.clock.Now().In(e.cfg.Location())
	var b struct {
		ID string `json:"id"`
	}
	e.do("POST", "/api/v1/admin/benefits", map[string]any{"org_id": org, "title": "职工体检优惠",
		"description": "凭电子会员卡享受体检套餐八折", "starts_on": today.AddDate(0, 0, from).Format("2006-01-02"),
		"ends_on": today.AddDate(0, 0, to).Format("2006-01-02"), "per_member_limit": limit}, by.Access).
		expect(e.t, 201, 0).decode(e.t, &b)
	return b.ID
}

// tokenParts splits a JWT and decodes its header and claims.
func tokenParts(t *testing.T, token string) (parts []string, header, claims map[string]any) {
	t.Helper()
	parts = strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %s", token)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatal(err)
		}
	}
	return parts, header, claims
}

// forged re-signs a token's claims: with alg none, with HS256, or with
// EdDSA under a key nobody published (kid).
func forged(t *testing.T, token, how string) string {
	t.Helper()
	_, header, claims := tokenParts(t, token)
	var (
		s   string
		err error
	)
	switch how {
	case "none":
		s, err = jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims(claims)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	case "HS256":
		tk := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims))
		tk.Header["kid"] = header["kid"]
		s, err = tk.SignedString([]byte("a-guessable-secret-of-32-bytes!!"))
	case "unknown kid", "known kid":
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims(claims))
		tk.Header["kid"] = "nobody"
		if how == "known kid" {
			tk.Header["kid"] = header["kid"]
		}
		s, err = tk.SignedString(priv)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// photoPath turns a photo_url into the path the router serves.
func photoPath(t *testing.T, url *string) string {
	t.Helper()
	if url == nil {
		t.Fatal("no photo_url")
	}
	i := strings.Index(*url, "/api/v1/card-photos/")
	if i < 0 {
		t.Fatalf("photo_url %s", *url)
	}
	return (*url)[i:]
}
