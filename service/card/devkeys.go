package card

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DevKeysFile is the file under the data dir that holds the development
// card key, in the UNIONHUB_CARD_KEYS format.
const DevKeysFile = "dev-card-keys"

// LoadOrCreateDevKeys returns the development card key in dir, generating
// it on first use (directory 0700, file 0600). The file appears whole or
// not at all; of several processes starting at once, all end up with the
// first one's key. Production refuses these keys.
func LoadOrCreateDevKeys(dir string) (Keys, error) {
	if dir == "" {
		return Keys{}, errors.New("card: dev keys: no directory given")
	}
	path := filepath.Join(dir, DevKeysFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseKeys(strings.TrimSpace(string(raw)), "")
		if err != nil {
			return k, fmt.Errorf("card: %s: %w", path, err)
		}
		k.Generated = true
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Keys{}, fmt.Errorf("card: dev keys: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Keys{}, fmt.Errorf("card: dev keys: %w", err)
	}
	if err := writeOnce(dir, path, newDevSpec()); err != nil {
		return Keys{}, fmt.Errorf("card: dev keys: %w", err)
	}
	return LoadOrCreateDevKeys(dir)
}

func newDevSpec() string {
	var kid [4]byte
	seed := make([]byte, 32)
	_, _ = rand.Read(kid[:])
	_, _ = rand.Read(seed)
	return "dev-" + hex.EncodeToString(kid[:]) + ":" + base64.StdEncoding.EncodeToString(seed) + "\n"
}

// writeOnce writes content to a temporary file and links it into place:
// the first link wins, later ones find the file there.
func writeOnce(dir, path, content string) error {
	tmp, err := os.CreateTemp(dir, ".dev-card-keys-*") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(content)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return werr
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
