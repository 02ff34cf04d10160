package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Local is a Store in a directory of the local file system.
//
// A key becomes one file: its slashes turn into dots (which keys cannot
// hold, so names stay distinct and "a" and "a/b" can both exist), in a
// shard directory named by the first two characters of its last segment,
// so NewKey's keys spread over 256 directories: key "3f9a…" is
// dir/3f/3f9a…, key "photos/3f9a…" is dir/3f/photos.3f9a…. Directories are
// created 0700 and files 0600. A Put writes a temporary file beside the
// target, syncs it and renames it into place; a crash may leave a
// ".tmp-*" file behind, which no key can name.
type Local struct {
	dir string
}

// NewLocal returns a Local storing under dir, creating it (mode 0700) if
// it does not exist. An existing dir keeps its mode.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local store needs a directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: local store: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("blob: local store: %w", err)
	}
	return &Local{dir: abs}, nil
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := l.path(key)
	if err != nil {
		return err
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("blob: put: %w", err)
	}
	return nil
}

// Get implements Store.
func (l *Local) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := l.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get: %w", err)
	}
	return data, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete: %w", err)
	}
	return nil
}

// path returns the file that holds key.
func (l *Local) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	last := key[strings.LastIndexByte(key, '/')+1:]
	shard := last[:min(2, len(last))]
	return filepath.Join(l.dir, shard, strings.ReplaceAll(key, "/", ".")), nil
}

// writeAtomic replaces path with data: readers see the old file or the new
// one, and after a crash the new one is either whole or absent.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
