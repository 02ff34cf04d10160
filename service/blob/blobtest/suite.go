// Package blobtest checks that a blob.Store keeps the promises of the
// interface. Every implementation runs Run from its tests.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/blob"
)

// NewFunc returns an empty Store for one subtest; subtests run in parallel.
type NewFunc func(t *testing.T) blob.Store

// Run checks the Store newStore returns against the blob.Store contract.
func Run(t *testing.T, newStore NewFunc) {
	tests := []struct {
		name string
		run  func(t *testing.T, s blob.Store)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"KeysAreDistinct", testKeysAreDistinct},
		{"InvalidKeys", testInvalidKeys},
		{"Copies", testCopies},
		{"Concurrent", testConcurrent},
		{"CanceledContext", testCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

func testGetMissing(t *testing.T, s blob.Store) {
	wantMissing(t, s, blob.NewKey())
}

func testPutGet(t *testing.T, s blob.Store) {
	big := make([]byte, 5<<20+17)
	rand.Read(big)
	for name, data := range map[string][]byte{
		"empty":  {},
		"binary": []byte("\x00\xff\x00ciphertext\n"),
		"5 MiB":  big,
	} {
		key := blob.NewKey()
		put(t, s, key, data)
		if got := get(t, s, key); !bytes.Equal(got, data) {
			t.Errorf("%s: Get returned %d bytes, want the %d put", name, len(got), len(data))
		}
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	key := blob.NewKey()
	put(t, s, key, []byte("first, longer value"))
	put(t, s, key, []byte("second"))
	if got := get(t, s, key); string(got) != "second" {
		t.Errorf("Get after overwrite = %q, want %q", got, "second")
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	key := blob.NewKey()
	put(t, s, key, []byte("x"))
	for i := range 2 { // the second deletes a missing key
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
		wantMissing(t, s, key)
	}
}

// testKeysAreDistinct stores keys that a careless mapping to paths would
// merge: a key and its prefixes, a key that is a "directory" of another.
func testKeysAreDistinct(t *testing.T, s blob.Store) {
	base := blob.NewKey()
	keys := []string{base, base + "/a", base + "/a/b", base + "a", base + "_a", base + "-a",
		"A" + base, "a", "Z/" + base + "/x", strings.Repeat("k", 200)}
	for _, k := range keys {
		put(t, s, k, []byte("value of "+k))
	}
	for _, k := range keys {
		if got := get(t, s, k); string(got) != "value of "+k {
			t.Errorf("Get(%q) = %q", k, got)
		}
	}
	if err := s.Delete(context.Background(), base+"/a"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, base+"/a")
	if got := get(t, s, base+"/a/b"); string(got) != "value of "+base+"/a/b" {
		t.Errorf("deleting a key disturbed its neighbour: %q", got)
	}
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range []string{"", "/abs", "a/../b", "..", ".", "a/./b", "a//b", "trailing/",
		"a.b", "sp ace", "a\\b", "ünï", "a\x00b", "%2e%2e", strings.Repeat("k", 201)} {
		if err := s.Put(ctx, key, []byte("x")); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Get(%q) = %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

// testCopies checks that the store neither keeps the caller's slice nor
// hands out its own.
func testCopies(t *testing.T, s blob.Store) {
	key := blob.NewKey()
	data := []byte("original")
	put(t, s, key, data)
	copy(data, "mutated!")
	got := get(t, s, key)
	if string(got) != "original" {
		t.Fatalf("Get = %q after the caller changed its slice", got)
	}
	copy(got, "mutated!")
	if again := get(t, s, key); string(again) != "original" {
		t.Errorf("Get = %q after the caller changed a returned slice", again)
	}
}

func testConcurrent(t *testing.T, s blob.Store) {
	shared := blob.NewKey()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() { // t.Fatal may not be called here
			ctx, own := context.Background(), blob.NewKey()
			v := fmt.Appendf(nil, "writer %d", i)
			if err := s.Put(ctx, own, v); err != nil {
				t.Errorf("Put: %v", err)
			}
			if err := s.Put(ctx, shared, v); err != nil {
				t.Errorf("Put: %v", err)
			}
			if got, err := s.Get(ctx, own); err != nil || !bytes.Equal(got, v) {
				t.Errorf("Get(own) = %q, %v; want %q", got, err, v)
			}
		})
	}
	wg.Wait()
	if got := get(t, s, shared); !bytes.HasPrefix(got, []byte("writer ")) {
		t.Errorf("after concurrent Puts, Get = %q, want one writer's whole value", got)
	}
}

func testCanceledContext(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key := blob.NewKey()
	if err := s.Put(ctx, key, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context = %v, want context.Canceled", err)
	}
	if _, err := s.Get(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context = %v, want context.Canceled", err)
	}
	wantMissing(t, s, key)
}

func put(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	if err := s.Put(context.Background(), key, data); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func get(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	data, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return data
}

func wantMissing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if data, err := s.Get(context.Background(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get(%q) = %q, %v; want ErrNotFound", key, data, err)
	}
}
