package jws_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unionhub/unionhub/service/internal/jws"
)

// TestInterop: what SignEd25519 writes, a JWT library reads and checks;
// what a JWT library signs (EdDSA and HS256), Parse and the Verify
// functions read and check.
func TestInterop(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	claims, _ := json.Marshal(map[string]any{"sub": "7", "exp": time.Now().Add(time.Minute).Unix()})
	ours := jws.SignEd25519(jws.EdDSAHeader("k1"), claims, priv)
	tok, err := jwt.Parse(ours, func(tk *jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"EdDSA"}))
	if err != nil || tok.Header["kid"] != "k1" || tok.Header["typ"] != "JWT" {
		t.Fatalf("a JWT library reads our token: %v %v", err, tok)
	}

	theirs := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "7"})
	theirs.Header["kid"] = "k1"
	signed, _ := theirs.SignedString(priv)
	p, err := jws.Parse(signed, 2048)
	if err != nil || p.Header.Alg != "EdDSA" || p.Header.Kid != "k1" {
		t.Fatalf("Parse: %+v, %v", p, err)
	}
	if good, err := p.VerifyEd25519(pub); err != nil || !good {
		t.Fatalf("VerifyEd25519 = %v, %v", good, err)
	}
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	if good, _ := p.VerifyEd25519(otherPub); good {
		t.Fatal("another key verified the token")
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if err := p.Claims(&c); err != nil || c.Sub != "7" {
		t.Fatalf("Claims = %+v, %v", c, err)
	}

	key := []byte("0123456789abcdef0123456789abcdef")
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "7"}).SignedString(key)
	p, err = jws.Parse(hs, 2048)
	if err != nil || p.Header.Alg != "HS256" {
		t.Fatalf("Parse HS256: %v", err)
	}
	if good, err := p.VerifyHS256(key); err != nil || !good {
		t.Fatalf("VerifyHS256 = %v, %v", good, err)
	}
	if good, _ := p.VerifyHS256([]byte("another key, another key, another")); good {
		t.Fatal("another key verified the HS256 token")
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	good := jws.SignEd25519(jws.EdDSAHeader("k1"), []byte(`{"sub":"7"}`), priv)
	long := make([]byte, 3000)
	for i := range long {
		long[i] = 'a'
	}
	for _, tok := range []string{"", "abc", "a.b", good + ".x", "!!." + good[len(good)/2:], "e30." + string(long) + ".x",
		"bm90IGpzb24.e30.sig"} {
		if _, err := jws.Parse(tok, 2048); !errors.Is(err, jws.ErrMalformed) {
			t.Errorf("Parse(%.40q) = %v, want ErrMalformed", tok, err)
		}
	}
	p, err := jws.Parse("e30.!!.!!", 2048) // header {} decodes; claims and signature do not
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := p.Claims(&v); !errors.Is(err, jws.ErrMalformed) {
		t.Errorf("Claims of bad base64 = %v", err)
	}
	if _, err := p.VerifyHS256([]byte("k")); !errors.Is(err, jws.ErrMalformed) {
		t.Errorf("VerifyHS256 of a bad signature = %v", err)
	}
}

func TestTime(t *testing.T) {
	if got := jws.Time(1700000000.5); !got.Equal(time.Unix(1700000000, 500_000_000)) {
		t.Errorf("Time(1700000000.5) = %v", got)
	}
}

// TestNonCanonicalSignatureRefused: the last character of a 32-byte
// signature carries two unused bits; flipping one gives another spelling
// of the same bytes, which a lenient decoder takes. The strict one refuses
// it, so a token has one spelling.
func TestNonCanonicalSignatureRefused(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "1"}).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	alias := tok[:len(tok)-1] + string(alphabet[last^1])
	for _, c := range []struct {
		name  string
		token string
		good  bool
	}{{"canonical", tok, true}, {"unused bit set", alias, false}} {
		p, err := jws.Parse(c.token, 4096)
		good := false
		if err == nil {
			good, err = p.VerifyHS256(key)
		}
		if good != c.good {
			t.Errorf("%s: verified %v (%v), want %v", c.name, good, err, c.good)
		}
	}
}
