package pii_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/pii"
)

func TestLoadOrCreateDevKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys") // does not exist yet
	k, err := pii.LoadOrCreateDevKeys(dir)
	if err != nil {
		t.Fatalf("LoadOrCreateDevKeys: %v", err)
	}
	if !k.Generated {
		t.Error("Generated = false, want true")
	}
	if err := k.Validate(); err != nil {
		t.Errorf("generated keys invalid: %v", err)
	}

	path := filepath.Join(dir, pii.DevKeysFile)
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("mode of %s = %v, want %v", filepath.Base(p), got, want)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("dir holds %d entries, want only %s (temporary file left behind?)", len(entries), pii.DevKeysFile)
	}

	c := newCipher(t, k)
	sealed, _ := c.Encrypt(slot, "110105194912310021")
	index := c.BlindIndex("110105194912310021")

	again, err := pii.LoadOrCreateDevKeys(dir)
	if err != nil {
		t.Fatalf("second LoadOrCreateDevKeys: %v", err)
	}
	if !again.Generated {
		t.Error("keys read back: Generated = false, want true")
	}
	c2 := newCipher(t, again)
	if got, err := c2.Decrypt(slot, sealed); err != nil || got != "110105194912310021" {
		t.Errorf("keys read back cannot open earlier data: %q, %v", got, err)
	}
	if c2.BlindIndex("110105194912310021") != index || c2.ActiveKeyID() != k.ActiveKeyID {
		t.Error("keys read back differ from the keys created")
	}

	other, _ := pii.LoadOrCreateDevKeys(t.TempDir())
	if other.ActiveKeyID == k.ActiveKeyID || string(other.IndexKey) == string(k.IndexKey) {
		t.Error("two directories got the same keys")
	}
}

func TestLoadOrCreateDevKeysConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	keys := make([]pii.Keys, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = pii.LoadOrCreateDevKeys(dir) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if keys[i].ActiveKeyID != keys[0].ActiveKeyID || string(keys[i].IndexKey) != string(keys[0].IndexKey) {
			t.Fatalf("concurrent calls returned different keys")
		}
	}
}

func TestLoadOrCreateDevKeysNoDir(t *testing.T) {
	if _, err := pii.LoadOrCreateDevKeys(""); err == nil {
		t.Fatal("LoadOrCreateDevKeys(\"\") succeeded, want an error")
	}
}

func TestLoadOrCreateDevKeysBadFile(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"not json", "{", "not valid JSON"},
		{"empty", "", "not valid JSON"},
		{"bad key", `{"active_key_id":"d","enc_keys":{"d":"%%"},"index_key":""}`, `encryption key "d": key is not valid base64`},
		{"no keys", `{"active_key_id":"d","enc_keys":{},"index_key":"AAAA"}`, "no encryption keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, pii.DevKeysFile)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := pii.LoadOrCreateDevKeys(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadOrCreateDevKeys = %v, want error containing %q", err, tt.want)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Error("a broken key file was replaced; the data sealed with it would be lost")
			}
		})
	}
}
