// Package piitest gives tests of other packages a working PII cipher
// without each of them repeating how development keys are made.
package piitest

import (
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

// Cipher returns a cipher on fresh development keys kept in a temporary
// directory of t, the way a development node builds its own. It fails t
// when the keys cannot be made.
func Cipher(t testing.TB) *pii.Cipher {
	t.Helper()
	keys, err := pii.LoadOrCreateDevKeys(t.TempDir())
	if err != nil {
		t.Fatalf("piitest: dev keys: %v", err)
	}
	c, err := pii.New(keys)
	if err != nil {
		t.Fatalf("piitest: cipher: %v", err)
	}
	return c
}
