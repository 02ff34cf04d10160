package pii_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

var plaintexts = []struct{ name, in string }{
	{"empty", ""},
	{"id number", "11010519491231002X"},
	{"phone", "13800138000"},
	{"cjk", "张三"},
	{"extension b", "𠮷野家"},
	{"emoji", "👨‍👩‍👧 ok"},
	{"invalid utf-8", "\xff\xfe"},
	{"long", strings.Repeat("长", 10000)},
}

func TestEncryptRoundTrip(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	for _, tt := range plaintexts {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := c.Encrypt(slot, tt.in)
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if !strings.HasPrefix(sealed, "v2.k1.") {
				t.Errorf("Encrypt = %.20q…, want prefix v2.k1.", sealed)
			}
			for _, r := range sealed {
				if r > 0x7e || r < 0x21 {
					t.Fatalf("Encrypt output holds %q, want printable ASCII", r)
				}
			}
			if tt.in != "" && strings.Contains(sealed, tt.in) {
				t.Errorf("Encrypt output contains the plaintext")
			}
			got, err := c.Decrypt(slot, sealed)
			if err != nil || got != tt.in {
				t.Fatalf("Decrypt = %.20q, %v; want the plaintext", got, err)
			}
		})
	}
}

func TestEncryptBytesRoundTrip(t *testing.T) {
	c := newCipher(t, testKeys("file-key"))
	for _, tt := range plaintexts {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := c.EncryptBytes(slot, []byte(tt.in))
			if err != nil {
				t.Fatalf("EncryptBytes: %v", err)
			}
			wantHeader := append([]byte{2, byte(len("file-key"))}, "file-key"...)
			if !bytes.HasPrefix(sealed, wantHeader) {
				t.Errorf("EncryptBytes header = %q, want %q", sealed[:len(wantHeader)], wantHeader)
			}
			if len(sealed) != len(wantHeader)+12+len(tt.in)+16 {
				t.Errorf("EncryptBytes length = %d, want header+nonce+plaintext+tag", len(sealed))
			}
			got, err := c.DecryptBytes(slot, sealed)
			if err != nil || !bytes.Equal(got, []byte(tt.in)) {
				t.Fatalf("DecryptBytes = %.20q, %v; want the plaintext", got, err)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	old := testKeys("k1")
	c1 := newCipher(t, old)
	sealed, _ := c1.Encrypt(slot, "110105194912310021")
	sealedFile, _ := c1.EncryptBytes(slot, []byte("photo"))

	rotated := testKeys("k2")
	rotated.EncKeys["k1"] = old.EncKeys["k1"]
	rotated.IndexKey = old.IndexKey
	c2 := newCipher(t, rotated)

	if got := c2.ActiveKeyID(); got != "k2" {
		t.Fatalf("ActiveKeyID = %q, want k2", got)
	}
	if got, err := c2.Decrypt(slot, sealed); err != nil || got != "110105194912310021" {
		t.Errorf("old value after rotation: Decrypt = %q, %v", got, err)
	}
	if got, err := c2.DecryptBytes(slot, sealedFile); err != nil || string(got) != "photo" {
		t.Errorf("old file after rotation: DecryptBytes = %q, %v", got, err)
	}
	fresh, _ := c2.Encrypt(slot, "110105194912310021")
	if !strings.HasPrefix(fresh, "v2.k2.") {
		t.Errorf("Encrypt after rotation = %.10q…, want key k2", fresh)
	}
	if _, err := c1.Decrypt(slot, fresh); !errors.Is(err, pii.ErrDecrypt) {
		t.Errorf("old cipher opening a k2 value: err = %v, want ErrDecrypt", err)
	}
	if a, b := c1.BlindIndex("x"), c2.BlindIndex("x"); a != b {
		t.Errorf("blind index changed with the encryption key")
	}
}

func TestDecryptRejects(t *testing.T) {
	k := testKeys("k1", "k2")
	c := newCipher(t, k)
	sealed, _ := c.Encrypt(slot, "13800138000")
	body := strings.TrimPrefix(sealed, "v2.k1.")
	raw, _ := base64.RawURLEncoding.DecodeString(body)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 0x01
		return "v2.k1." + base64.RawURLEncoding.EncodeToString(b)
	}
	other := newCipher(t, testKeys("k1")) // same id, different key

	tests := []struct{ name, in string }{
		{"empty", ""},
		{"no version", "k1." + body},
		{"wrong version", "v3.k1." + body},
		{"v1 prefix on a v2 body", "v1.k1." + body},
		{"no body", "v2.k1"},
		{"empty body", "v2.k1."},
		{"unknown kid", "v2.k9." + body},
		{"malformed kid", "v2.k*1." + body},
		{"other kid of the same cipher", "v2.k2." + body},
		{"bad base64", "v2.k1." + body[:5] + "!" + body[6:]},
		{"padded base64", "v2.k1." + base64.URLEncoding.EncodeToString(raw) + "="},
		{"flipped nonce", flip(0)},
		{"flipped ciphertext", flip(13)},
		{"flipped tag", flip(len(raw) - 1)},
		{"truncated", "v2.k1." + base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1])},
		{"shorter than nonce", "v2.k1." + base64.RawURLEncoding.EncodeToString(raw[:5])},
		{"appended", sealed + "AA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := c.Decrypt(slot, tt.in); !errors.Is(err, pii.ErrDecrypt) {
				t.Fatalf("Decrypt = %q, %v; want ErrDecrypt", got, err)
			}
		})
	}
	if _, err := other.Decrypt(slot, sealed); !errors.Is(err, pii.ErrDecrypt) {
		t.Errorf("Decrypt under a different key with the same id: err = %v, want ErrDecrypt", err)
	}
	if _, err := c.Decrypt(slot, "v2.k9."+body); err == nil || !strings.Contains(err.Error(), `unknown key id "k9"`) {
		t.Errorf("unknown kid error = %v, want it named", err)
	}
}

func TestDecryptBytesRejects(t *testing.T) {
	c := newCipher(t, testKeys("k1", "k2"))
	sealed, _ := c.EncryptBytes(slot, []byte("photo bytes"))
	with := func(edit func(b []byte) []byte) []byte { return edit(bytes.Clone(sealed)) }

	tests := []struct {
		name string
		in   []byte
	}{
		{"nil", nil},
		{"version only", []byte{2}},
		{"wrong version", with(func(b []byte) []byte { b[0] = 3; return b })},
		{"v1 byte on a v2 body", with(func(b []byte) []byte { b[0] = 1; return b })},
		{"kid length past end", []byte{2, 200, 'k'}},
		{"header only", sealed[:4]},
		{"unknown kid", with(func(b []byte) []byte { b[3] = '9'; return b })},
		{"other kid", with(func(b []byte) []byte { b[3] = '2'; return b })},
		{"empty kid", append([]byte{2, 0}, sealed[4:]...)},
		{"flipped body", with(func(b []byte) []byte { b[len(b)/2] ^= 0x80; return b })},
		{"truncated", sealed[:len(sealed)-1]},
		{"text form", []byte("v2.k1.AAAA")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := c.DecryptBytes(slot, tt.in); !errors.Is(err, pii.ErrDecrypt) {
				t.Fatalf("DecryptBytes = %q, %v; want ErrDecrypt", got, err)
			}
		})
	}
}

func TestNonceUniqueness(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	const n = 2000
	nonces := make(map[string]bool, n)
	values := make(map[string]bool, n)
	for range n {
		sealed, _ := c.Encrypt(slot, "same plaintext")
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v2.k1."))
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(raw[:12])
		if nonces[nonce] || values[sealed] {
			t.Fatalf("nonce or ciphertext repeated after %d seals", len(nonces))
		}
		nonces[nonce], values[sealed] = true, true
	}
}

func TestNewCopiesKeys(t *testing.T) {
	k := testKeys("k1")
	c := newCipher(t, k)
	sealed, _ := c.Encrypt(slot, "x")
	index := c.BlindIndex("x")
	clear(k.EncKeys["k1"])
	clear(k.IndexKey)
	k.ActiveKeyID = "changed"
	if got, err := c.Decrypt(slot, sealed); err != nil || got != "x" {
		t.Errorf("Decrypt after caller changed Keys = %q, %v", got, err)
	}
	if c.BlindIndex("x") != index || c.ActiveKeyID() != "k1" {
		t.Errorf("Cipher changed when the caller changed Keys")
	}
}

func TestCipherConcurrentUse(t *testing.T) {
	c := newCipher(t, testKeys("k1"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				in := strings.Repeat("张", i+j)
				sealed, err := c.Encrypt(slot, in)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := c.Decrypt(slot, sealed); err != nil || got != in {
					t.Errorf("Decrypt = %q, %v", got, err)
					return
				}
				c.BlindIndexFor(pii.DomainPhone, in)
			}
		})
	}
	wg.Wait()
}
