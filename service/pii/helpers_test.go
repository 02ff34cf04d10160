package pii_test

import (
	"crypto/rand"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

func randomKey(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// testKeys returns valid keys holding a fresh key for each kid, the first
// one active.
func testKeys(kids ...string) pii.Keys {
	k := pii.Keys{EncKeys: map[string][]byte{}, ActiveKeyID: kids[0], IndexKey: randomKey(32)}
	for _, kid := range kids {
		k.EncKeys[kid] = randomKey(32)
	}
	return k
}

func newCipher(t testing.TB, k pii.Keys) *pii.Cipher {
	t.Helper()
	c, err := pii.New(k)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// slot is where the tests' values are stored.
var slot = pii.MemberIDNumber.Row(1)
