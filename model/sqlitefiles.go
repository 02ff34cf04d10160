package model

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// privateSQLiteFiles makes the database file at dsn readable by its owner
// only before SQLite opens it: created 0600 when missing, narrowed to 0600
// when an older build left it 0644, with its -wal, -shm and -journal files
// (which SQLite creates with the database file's mode), and its directory
// 0700. The file holds ID numbers and phones, sealed, and the names and
// everything else in clear. The directory is made 0700 when it is the data
// dir (ownDir), not a directory the operator named in the DSN. In-memory
// databases are left alone.
func privateSQLiteFiles(dsn string, ownDir bool) error {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		if strings.Contains(path[i:], "mode=memory") {
			return nil
		}
		path = path[:i]
	}
	if path == "" || path == ":memory:" {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if ownDir {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("database file: %w", err)
		}
	}
	return nil
}
