package card_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/card"
)

func TestVerifyReasonsInOrder(t *testing.T) {
	for _, b := range modeltest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixture(t, b)
			ctx := context.Background()
			m := f.member(f.union)
			good := f.token(m)
			parts := strings.Split(good, ".")
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var cl map[string]any
			_ = json.Unmarshal(payload, &cl)
			other, _ := card.ParseKeys(seedSpec(t, "k1", "k9"), "k9")
			hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(cl)).SignedString([]byte("secret-secret-secret-secret-1234"))
			none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims(cl)).SignedString(jwt.UnsafeAllowNoneSignatureType)
			sign := func(kid string, key ed25519.PrivateKey, claims map[string]any) string {
				tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims(claims))
				tk.Header["kid"] = kid
				s, err := tk.SignedString(key)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			tampered := map[string]any{}
			for k, v := range cl {
				tampered[k] = v
			}
			tampered["no"] = "42010699999999"
			forgedPayload, _ := json.Marshal(tampered)
			with := func(k string, v any) map[string]any {
				c := map[string]any{}
				for k, v := range cl {
					c[k] = v
				}
				if v == nil {
					delete(c, k)
				} else {
					c[k] = v
				}
				return c
			}
			ours := f.ring.Keys[0].Private
			exp := cl["exp"].(float64)
			tests := []struct {
				name  string
				token string
				want  card.Reason
			}{
				{"valid", good, card.Valid},
				{"empty", "", card.ReasonMalformed},
				{"not a JWT", "hello", card.ReasonMalformed},
				{"four parts", good + ".x", card.ReasonMalformed},
				{"alg none", none, card.ReasonMalformed},
				{"HS256", hs, card.ReasonMalformed},
				{"unknown kid", sign("k9", other.Keys[1].Private, cl), card.ReasonUnknownKey},
				{"known kid, other key", sign("k1", other.Keys[1].Private, cl), card.ReasonBadSignature},
				{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString(forgedPayload) + "." + parts[2], card.ReasonBadSignature},
				{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2]), card.ReasonBadSignature},
				{"signature not base64", parts[0] + "." + parts[1] + ".!!", card.ReasonMalformed},
				{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("{")) + "." + parts[1] + "." + parts[2], card.ReasonMalformed},
				{"claims not JSON", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte("[1")) + "." + parts[2], card.ReasonMalformed},
				{"ours, without exp", sign("k1", ours, with("exp", nil)), card.ReasonMalformed},
				{"ours, without jti", sign("k1", ours, with("jti", nil)), card.ReasonMalformed},
				{"ours, sub not a number", sign("k1", ours, with("sub", "x1")), card.ReasonMalformed},
				{"ours, fractional exp", sign("k1", ours, with("exp", exp+0.5)), card.Valid},
				{"ours, long expired", sign("k1", ours, with("exp", exp-3600)), card.ReasonExpired},
				{"long expired, other key", sign("k1", other.Keys[1].Private, with("exp", exp-3600)), card.ReasonBadSignature},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					r, err := f.svc.Verify(ctx, f.verifier, tc.token, 0)
					if err != nil {
						t.Fatal(err)
					}
					if r.Reason != tc.want || r.Valid != (tc.want == card.Valid) {
						t.Fatalf("got %v/%s, want %s", r.Valid, r.Reason, tc.want)
					}
				})
			}
			// Expiry, with the clock-skew allowance.
			f.clock.Advance(card.TokenTTL + card.ClockSkew - time.Second)
			expectReason(t, f, good, card.Valid)
			f.clock.Advance(2 * time.Second)
			expectReason(t, f, good, card.ReasonExpired)
			// An expired token with a bad signature is bad_signature.
			expectReason(t, f, parts[0]+"."+parts[1]+"."+flip(parts[2]), card.ReasonBadSignature)

			// Suspension stops the card at once; restoring brings the same
			// token back; a reissue revokes it for good.
			tok := f.token(m)
			expectReason(t, f, tok, card.Valid) // cached now
			f.setStatus(m, model.MemberSuspended)
			expectReason(t, f, tok, card.ReasonNotActive)
			if c, _ := f.svc.MyCard(ctx, *m.UserID); c.Status != model.MemberSuspended || c.QR != nil {
				t.Errorf("suspended card: %+v", c)
			}
			f.setStatus(m, model.MemberActive)
			expectReason(t, f, tok, card.Valid)
			f.setStatus(m, model.MemberRetained)
			expectReason(t, f, tok, card.Valid)
			if err := f.svc.ReissueMine(ctx, *m.UserID); err != nil {
				t.Fatal(err)
			}
			expectReason(t, f, tok, card.ReasonRevoked)
			expectReason(t, f, f.token(m), card.Valid)
			// not_active comes before revoked.
			f.setStatus(m, model.MemberLeft)
			expectReason(t, f, tok, card.ReasonNotActive)
			if _, err := f.svc.MyCard(ctx, *m.UserID); err == nil {
				t.Error("a member who left still has a card")
			}
		})
	}
}

func expectReason(t *testing.T, f *fixture, token string, want card.Reason) {
	t.Helper()
	r, err := f.svc.Verify(context.Background(), f.verifier, token, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reason != want {
		t.Fatalf("got %s, want %s", r.Reason, want)
	}
}

// flip changes the first character of a base64url segment.
func flip(seg string) string {
	c := byte('A')
	if seg[0] == 'A' {
		c = 'B'
	}
	return string(c) + seg[1:]
}

func TestTokenClaimsAndPublicKeys(t *testing.T) {
	f := newFixture(t, modeltest.Backends()[0])
	m := f.member(f.union)
	c, err := f.svc.MyCard(context.Background(), *m.UserID)
	if err != nil {
		t.Fatal(err)
	}
	pub := f.svc.PublicKeys()
	if len(pub) != 1 || pub[0].ID != "k1" {
		t.Fatalf("published keys: %v", pub)
	}
	parts := strings.Split(c.QR.Token, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if !ed25519.Verify(pub[0].Key, []byte(parts[0]+"."+parts[1]), sig) {
		t.Fatal("the token does not verify with the published key")
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var cl map[string]any
	_ = json.Unmarshal(payload, &cl)
	if cl["sub"] != idText(m.ID) || cl["no"] != m.MemberNo || cl["jti"] == "" || cl["cv"] != float64(1) {
		t.Errorf("claims: %s", payload)
	}
	if cl["exp"].(float64)-cl["iat"].(float64) > 120 {
		t.Errorf("token lives more than 120 s: %s", payload)
	}
	if strings.Contains(string(payload), "张") {
		t.Errorf("token holds the name: %s", payload)
	}
	if !c.QR.RefreshAfter.After(c.QR.IssuedAt) || !c.QR.RefreshAfter.Before(c.QR.ExpiresAt) {
		t.Errorf("refresh_after: %+v", c.QR)
	}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
