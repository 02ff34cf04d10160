// Package privacy holds the privacy notice (个人信息处理告知书, API.md §10)
// that users consent to: a built-in default written for this system, or a
// JSON or YAML file that replaces it, checked when the node starts. A
// consent names the notice's version; one naming another version is not
// current.
package privacy

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unionhub/unionhub/service/internal/strictfile"
)

// Item keys: the three separate consents (API.md §2).
const (
	PersonalInfo  = "personal_info"
	SensitiveInfo = "sensitive_info"
	ShareUpward   = "share_upward"
)

// Keys are the item keys, in the order a notice lists them.
var Keys = []string{PersonalInfo, SensitiveInfo, ShareUpward}

// maxVersion bounds a version: it is stored with every consent.
const maxVersion = 32

// maxFileSize bounds the notice file.
const maxFileSize = 1 << 20

// Notice is one version of the privacy notice.
type Notice struct {
	Version     string    `json:"version" yaml:"version"`
	PublishedAt time.Time `json:"published_at" yaml:"published_at"`
	Text        string    `json:"text" yaml:"text"`
	Items       []Item    `json:"items" yaml:"items"`
}

// Item is what one consent item covers.
type Item struct {
	Key       string   `json:"key" yaml:"key"`
	Title     string   `json:"title" yaml:"title"`
	Purpose   string   `json:"purpose" yaml:"purpose"`
	Data      []string `json:"data" yaml:"data"`
	Retention string   `json:"retention" yaml:"retention"`
}

// Load returns the notice in the file at path (.json as JSON, anything
// else as YAML; unknown fields refused), or the built-in notice when path
// is empty. The notice is validated.
func Load(path string) (*Notice, error) {
	if path == "" {
		return Default(), nil
	}
	var n Notice
	if err := strictfile.Decode(path, maxFileSize, &n); err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &n, nil
}

// Validate checks that the notice has a version, a publication time, a
// text, and the three items, each in full, in order.
func (n *Notice) Validate() error {
	var errs []error
	v := n.Version
	if v == "" || v != strings.TrimSpace(v) || len(v) > maxVersion || !utf8.ValidString(v) {
		errs = append(errs, fmt.Errorf("version: 1 to %d characters, no surrounding spaces", maxVersion))
	}
	if n.PublishedAt.IsZero() {
		errs = append(errs, errors.New("published_at: required (RFC 3339)"))
	}
	if strings.TrimSpace(n.Text) == "" {
		errs = append(errs, errors.New("text: required"))
	}
	if len(n.Items) != len(Keys) {
		errs = append(errs, fmt.Errorf("items: exactly %d, keys %s", len(Keys), strings.Join(Keys, ", ")))
	}
	for i, it := range n.Items {
		if i < len(Keys) && it.Key != Keys[i] {
			errs = append(errs, fmt.Errorf("items[%d].key: %q, want %q", i, it.Key, Keys[i]))
		}
		if strings.TrimSpace(it.Title) == "" || strings.TrimSpace(it.Purpose) == "" ||
			strings.TrimSpace(it.Retention) == "" || len(it.Data) == 0 {
			errs = append(errs, fmt.Errorf("items[%d]: title, purpose, data and retention are required", i))
		}
	}
	return errors.Join(errs...)
}
