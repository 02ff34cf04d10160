package pii_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

// fixedCipher has known keys, so indexes can be checked against values
// computed elsewhere (Python's hmac module); stored indexes depend on them
// never changing.
func fixedCipher(t testing.TB) *pii.Cipher {
	index := make([]byte, 32)
	for i := range index {
		index[i] = byte(i)
	}
	k := testKeys("k1")
	k.IndexKey = index
	return newCipher(t, k)
}

func TestBlindIndexKnownAnswer(t *testing.T) {
	c := fixedCipher(t)
	tests := []struct{ name, got, want string }{
		{"plain", c.BlindIndex("11010519491231002X"), "a66755453b106dcea0cfa264214ae59ff1e8b067f3e5f3aa8085e1d8757880eb"},
		{"id number domain", c.BlindIndexFor(pii.DomainIDNumber, "11010519491231002X"), "f0b22314e853419d203746a17d0cd44cc0fc2601b33a5d4afc466a75dd6c55ca"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: index = %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestBlindIndexNormalisation(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	tests := []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"stable", "11010519491231002X", "11010519491231002X", true},
		{"lower-case x", "11010519491231002x", "11010519491231002X", true},
		{"surrounding spaces", " \t11010519491231002X\n", "11010519491231002X", true},
		{"full-width space", "\u300013800138000", "13800138000", true},
		{"inner space kept", "138 0013 8000", "13800138000", false},
		{"different value", "11010519491231002X", "110105194912310021", false},
		{"cjk", "张三", "张三", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, index := range []func(string) string{
				c.BlindIndex,
				func(v string) string { return c.BlindIndexFor(pii.DomainIDNumber, v) },
			} {
				a, b := index(tt.a), index(tt.b)
				if (a == b) != tt.equal {
					t.Errorf("index(%q) == index(%q) is %t, want %t", tt.a, tt.b, a == b, tt.equal)
				}
				if len(a) != 64 {
					t.Errorf("index length = %d, want 64 hex characters", len(a))
				}
			}
		})
	}
}

func TestBlindIndexSeparation(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	const v = "13800138000"
	indexes := map[string]string{
		"plain":            c.BlindIndex(v),
		"phone domain":     c.BlindIndexFor(pii.DomainPhone, v),
		"id number domain": c.BlindIndexFor(pii.DomainIDNumber, v),
		"empty domain":     c.BlindIndexFor("", v),
		"upper-case phone": c.BlindIndexFor("PHONE", v),
		"other index key":  newCipher(t, testKeys("k1")).BlindIndex(v),
	}
	seen := map[string]string{}
	for name, index := range indexes {
		if other, dup := seen[index]; dup {
			t.Errorf("%s and %s give the same index", name, other)
		}
		seen[index] = name
	}
}
