package blob

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// maxKeyLen keeps a key, as one file name in Local, within the 255 bytes
// file systems allow.
const maxKeyLen = 200

// NewKey returns a new random storage key: 128 bits from crypto/rand as 32
// lower-case hex digits. It carries nothing about the file or its owner,
// so a leaked key or bucket listing reveals nothing.
func NewKey() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// checkKey returns ErrInvalidKey unless key is slash-separated non-empty
// segments of [A-Za-z0-9_-]. With no dot allowed, "." and ".." cannot
// appear, and no leading slash means no absolute paths.
func checkKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("%w: length %d (want 1 to %d)", ErrInvalidKey, len(key), maxKeyLen)
	}
	return checkSegments(key)
}

// checkSegments checks the characters and slashes of a key or of a prefix
// without its trailing slash.
func checkSegments(s string) error {
	if strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return fmt.Errorf("%w: %q has an empty segment", ErrInvalidKey, s)
	}
	for i := range len(s) {
		if !keyByte(s[i]) {
			return fmt.Errorf("%w: %q has byte %q at %d", ErrInvalidKey, s, s[i], i)
		}
	}
	return nil
}

func keyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '/'
}
