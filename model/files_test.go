package model_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/unionhub/unionhub/model"
)

// TestSQLiteFilesArePrivate: the database file, its WAL and shared-memory
// files are 0600 and the data dir 0700, also when an older build left them
// readable by everyone.
func TestSQLiteFilesArePrivate(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
	}{
		{"new data dir", func(t *testing.T, dir string) {}},
		{"left open by an older build", func(t *testing.T, dir string) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"unionhub.db", "unionhub.db-wal", "unionhub.db-shm"} {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			tt.prepare(t, dir)
			db, err := model.Open(context.Background(), model.Options{Driver: model.DialectSQLite, DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer model.Close(db)
			if err := db.Exec("CREATE TABLE t (x TEXT)").Error; err != nil { // the WAL and -shm exist now
				t.Fatal(err)
			}
			want := map[string]os.FileMode{dir: 0o700 | os.ModeDir}
			for _, f := range []string{"unionhub.db", "unionhub.db-wal", "unionhub.db-shm"} {
				want[filepath.Join(dir, f)] = 0o600
			}
			for path, mode := range want {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode() != mode {
					t.Errorf("%s: mode %v, want %v", filepath.Base(path), fi.Mode(), mode)
				}
			}
		})
	}
}
