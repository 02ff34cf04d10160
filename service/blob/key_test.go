package blob

import (
	"errors"
	"regexp"
	"testing"
)

func TestNewKey(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := make(map[string]bool)
	for range 1000 {
		k := NewKey()
		if !hex32.MatchString(k) {
			t.Fatalf("NewKey() = %q, want 32 hex digits", k)
		}
		if err := checkKey(k); err != nil {
			t.Fatalf("NewKey() = %q is not a valid key: %v", k, err)
		}
		if seen[k] {
			t.Fatalf("NewKey() repeated %q", k)
		}
		seen[k] = true
	}
}

func TestCheckKey(t *testing.T) {
	for key, ok := range map[string]bool{
		"abc": true, "A-Z_0-9": true, "uploads/2025/abc": true, "a": true,
		"": false, "/a": false, "a/": false, "a//b": false, "a/../b": false, "..": false,
		"a.b": false, "a b": false, "a\\b": false, "a%2fb": false, "张三": false,
	} {
		err := checkKey(key)
		if (err == nil) != ok || err != nil && !errors.Is(err, ErrInvalidKey) {
			t.Errorf("checkKey(%q) = %v, want ok %v", key, err, ok)
		}
	}
}
