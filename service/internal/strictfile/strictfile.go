// Package strictfile reads the small settings files an operator writes
// (the privacy notice, the holiday calendar): JSON or YAML, bounded in
// size, unknown fields refused, so a typo is an error at start and not a
// setting silently ignored.
package strictfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decode reads the file at path into v: as JSON when its name ends in
// .json, as YAML otherwise. A file over max bytes, an unknown field or a
// syntax error is an error naming the file.
func Decode(path string, max int, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(raw) > max {
		return fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		err = dec.Decode(v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
