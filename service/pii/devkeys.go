package pii

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DevKeysFile is the name of the development key file LoadOrCreateDevKeys
// keeps in its directory.
const DevKeysFile = "dev-keys.json"

// devKeyFile is the JSON form of DevKeysFile. Keys are standard base64.
type devKeyFile struct {
	Note        string            `json:"note"`
	ActiveKeyID string            `json:"active_key_id"`
	EncKeys     map[string]string `json:"enc_keys"`
	IndexKey    string            `json:"index_key"`
}

const devKeyNote = "UnionHub development keys, generated on first start. Never use them in production. Deleting this file makes the data sealed with them unreadable."

// LoadOrCreateDevKeys returns the development keys in dir/DevKeysFile,
// generating and saving fresh random keys when the file does not exist. The
// directory is created with mode 0700 and the file with 0600. The file
// appears whole or not at all, and when several processes start at once they
// all end up with the same keys. The returned keys have Generated set.
func LoadOrCreateDevKeys(dir string) (Keys, error) {
	if dir == "" {
		return Keys{}, errors.New("pii: dev keys: no directory given")
	}
	path := filepath.Join(dir, DevKeysFile)
	k, err := readDevKeys(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Keys{}, fmt.Errorf("pii: dev keys: %w", err)
	}
	if err := writeDevKeys(path, newDevKeys()); err != nil {
		return Keys{}, err
	}
	// Read back rather than return what was generated: another process may
	// have saved its keys first, and the file is the truth.
	return readDevKeys(path)
}

func newDevKeys() devKeyFile {
	kid := "dev-" + hex.EncodeToString(randomBytes(4))
	return devKeyFile{
		Note:        devKeyNote,
		ActiveKeyID: kid,
		EncKeys:     map[string]string{kid: base64.StdEncoding.EncodeToString(randomBytes(encKeySize))},
		IndexKey:    base64.StdEncoding.EncodeToString(randomBytes(minIndexKeySize)),
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails; see crypto/rand.Read
	return b
}

// readDevKeys returns an error wrapping fs.ErrNotExist when there is no file.
func readDevKeys(path string) (Keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Keys{}, fmt.Errorf("pii: dev keys: %w", err)
	}
	var f devKeyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Keys{}, fmt.Errorf("pii: dev keys %s: not valid JSON", path)
	}
	k := Keys{ActiveKeyID: f.ActiveKeyID, EncKeys: make(map[string][]byte, len(f.EncKeys)), Generated: true}
	for kid, enc := range f.EncKeys {
		if k.EncKeys[kid], err = decodeKey(enc); err != nil {
			return Keys{}, fmt.Errorf("pii: dev keys %s: encryption key %s: %w", path, printableKeyID(kid), err)
		}
	}
	if k.IndexKey, err = decodeKey(f.IndexKey); err != nil {
		return Keys{}, fmt.Errorf("pii: dev keys %s: index key: %w", path, err)
	}
	if err := k.Validate(); err != nil {
		return Keys{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return k, nil
}

// writeDevKeys writes a temporary file and hard-links it into place, which,
// unlike a rename, never replaces keys another process saved first. Where
// hard links are unsupported it falls back to a rename.
func writeDevKeys(path string, f devKeyFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("pii: dev keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), DevKeysFile+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("pii: dev keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pii: dev keys: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("pii: dev keys: %w", err)
	}
	return nil
}
