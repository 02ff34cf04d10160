package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/blob/blobtest"
)

func TestLocalConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := blob.NewLocal(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestLocalLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "uploads")
	s, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"3f9a0c", "photos/3f9a0c", "x"} {
		if err := s.Put(ctx, key, []byte("ciphertext")); err != nil {
			t.Fatal(err)
		}
	}

	wantMode(t, dir, os.ModeDir|0o700)
	wantMode(t, filepath.Join(dir, "3f"), os.ModeDir|0o700)
	for _, name := range []string{"3f/3f9a0c", "3f/photos.3f9a0c", "x/x"} {
		wantMode(t, filepath.Join(dir, name), 0o600)
	}
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, rel)
		}
		return err
	})
	if len(files) != 3 {
		t.Errorf("files %v, want exactly the 3 stored (no temporary files)", files)
	}
}

func TestNewLocal(t *testing.T) {
	if _, err := blob.NewLocal(""); err == nil {
		t.Error("NewLocal(\"\") succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := blob.NewLocal(file); err == nil {
		t.Error("NewLocal on a regular file succeeded")
	}
	existing := t.TempDir()
	if _, err := blob.NewLocal(existing); err != nil {
		t.Errorf("NewLocal on an existing directory: %v", err)
	}
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode(); got != want {
		t.Errorf("%s: mode %v, want %v", path, got, want)
	}
}
