package pii_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

func TestKeysValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(k *pii.Keys)
		wantErr string // "" means valid
	}{
		{"valid", func(k *pii.Keys) {}, ""},
		{"no encryption keys", func(k *pii.Keys) { k.EncKeys = nil }, "no encryption keys"},
		{"short encryption key", func(k *pii.Keys) { k.EncKeys["k1"] = randomKey(16) }, `"k1" is 16 bytes, want 32`},
		{"long encryption key", func(k *pii.Keys) { k.EncKeys["k1"] = randomKey(33) }, `"k1" is 33 bytes, want 32`},
		{"empty key id", func(k *pii.Keys) { k.EncKeys[""] = randomKey(32) }, "key id is empty"},
		{"key id with dot", func(k *pii.Keys) { k.EncKeys["a.b"] = randomKey(32) }, "key id may hold only"},
		{"no active id", func(k *pii.Keys) { k.ActiveKeyID = "" }, "no active key id"},
		{"active id without key", func(k *pii.Keys) { k.ActiveKeyID = "k9" }, `active key id "k9" has no encryption key`},
		{"short index key", func(k *pii.Keys) { k.IndexKey = randomKey(31) }, "index key is 31 bytes, want at least 32"},
		{"long index key", func(k *pii.Keys) { k.IndexKey = randomKey(64) }, ""},
		{"index key reuses encryption key", func(k *pii.Keys) { k.IndexKey = k.EncKeys["k2"] }, `must differ from encryption key "k2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := testKeys("k1", "k2")
			tt.edit(&k)
			err := k.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if _, nerr := pii.New(k); (nerr == nil) != (err == nil) {
				t.Fatalf("New error %v disagrees with Validate error %v", nerr, err)
			}
		})
	}
}

func TestKeysStringHidesKeyBytes(t *testing.T) {
	k := testKeys("k1", "k2")
	misplaced := base64.RawURLEncoding.EncodeToString(randomKey(32))
	k.EncKeys[misplaced] = randomKey(32) // a key pasted where an id belongs
	for _, verb := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(verb, k)
		for kid, key := range k.EncKeys {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
				if strings.Contains(out, enc.EncodeToString(key)) {
					t.Errorf("%s of Keys shows key %q", verb, kid)
				}
			}
		}
		if strings.Contains(out, misplaced) || strings.Contains(out, fmt.Sprint(k.IndexKey)) {
			t.Errorf("%s of Keys shows key material: %s", verb, out)
		}
		if !strings.Contains(out, `"k1"`) {
			t.Errorf("%s of Keys = %s, want the key ids", verb, out)
		}
	}
}

func TestParseEncKeys(t *testing.T) {
	k1, k2 := randomKey(32), randomKey(32)
	std1, url2 := base64.StdEncoding.EncodeToString(k1), base64.RawURLEncoding.EncodeToString(k2)
	got, err := pii.ParseEncKeys(" k1:" + std1 + " , k-2_b : " + url2 + " ")
	if err != nil {
		t.Fatalf("ParseEncKeys: %v", err)
	}
	if len(got) != 2 || string(got["k1"]) != string(k1) || string(got["k-2_b"]) != string(k2) {
		t.Fatalf("ParseEncKeys returned keys %v, want k1 and k-2_b", len(got))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := pii.ParseEncKeys("k:" + enc.EncodeToString(k1)); err != nil {
			t.Errorf("ParseEncKeys with %v alphabet: %v", enc, err)
		}
	}
}

func TestParseEncKeysErrors(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(randomKey(32))
	short := base64.StdEncoding.EncodeToString(randomKey(16))
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "no encryption keys"},
		{"blank", "  ", "no encryption keys"},
		{"trailing comma", "k1:" + good + ",", "entry 2 is empty"},
		{"no kid", good, `entry 1 has no "kid:" prefix`},
		{"empty kid", ":" + good, "entry 1: key id is empty"},
		{"bad kid", "k 1:" + good, "entry 1: key id may hold only"},
		{"kid and key swapped", base64.RawURLEncoding.EncodeToString(randomKey(32)) + ":k1", "entry 1: key id is 43 characters"},
		{"duplicate kid", "k1:" + good + ",k1:" + good, `entry 2 repeats key id "k1"`},
		{"bad base64", "k1:" + good[:10] + "!" + good[11:], `key "k1" (entry 1): key is not valid base64`},
		{"empty key", "k1:", `key "k1" (entry 1): key is empty`},
		{"short key", "k0:" + good + ",k1:" + short, `key "k1" (entry 2) is 16 bytes, want 32`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pii.ParseEncKeys(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseEncKeys(%s) = %v, %v; want error containing %q", tt.name, got, err, tt.want)
			}
			for _, part := range strings.Split(tt.in, ",") {
				for _, field := range strings.Split(part, ":") {
					if len(field) > 20 && strings.Contains(err.Error(), field) {
						t.Fatalf("error %q echoes key material", err)
					}
				}
			}
		})
	}
}

func TestParseIndexKey(t *testing.T) {
	key := randomKey(48)
	got, err := pii.ParseIndexKey(base64.URLEncoding.EncodeToString(key))
	if err != nil || string(got) != string(key) {
		t.Fatalf("ParseIndexKey = %x, %v; want the key", got, err)
	}
	for in, want := range map[string]string{
		"":  "key is empty",
		"%": "not valid base64",
		base64.StdEncoding.EncodeToString(randomKey(31)): "31 bytes, want at least 32",
	} {
		if _, err := pii.ParseIndexKey(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseIndexKey(%q) error = %v, want %q", in, err, want)
		}
	}
}
