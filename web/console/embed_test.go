package console_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/web/console"
)

// TestFiles: the embedded build has the app's index.html at its root, so
// /console/ answers on a fresh clone.
func TestFiles(t *testing.T) {
	index, err := fs.ReadFile(console.Files(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(string(index)), "<!doctype html>") {
		t.Errorf("index.html is not an HTML page: %.80q", index)
	}
}
