package config

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// secret is one piece of key material a setting holds: a key, a list
// entry, or a credential of an outside service.
type secret struct {
	setting string   // the variable without UNIONHUB_, e.g. "PII_KEYS"
	label   string   // how messages name it: `UNIONHUB_PII_KEYS key "k1"`
	forms   [][]byte // as written, and decoded when it is base64
	key     []byte   // the decoded key, nil for a credential: keys are checked for weakness
}

// validateSecrets reports, for production, key material that is weak
// (one byte repeated, all zero, a short pattern, a counting sequence, too
// few distinct bytes) and any two settings sharing key material: each
// purpose gets a key of its own, so one leak or one misuse stays one. The
// messages name settings and key ids, never key bytes.
func (c Config) validateSecrets(bad func(name, format string, args ...any)) {
	var all []secret
	for _, s := range c.keyMaterial(bad) {
		if reason := weakness(s.key); reason != "" {
			bad(s.setting, "%s is weak (%s): generate it with `openssl rand -base64 32`", s.about(), reason)
		}
		all = append(all, s)
	}
	for _, s := range []secret{
		credential("WECHAT_SECRET", c.WeChat.Secret),
		credential("WECHAT_PUSH_TOKEN", c.WeChat.PushToken),
		credential("S3_SECRET_KEY", c.S3.SecretKey),
		credential("REDIS_PASSWORD", c.Redis.Password),
	} {
		if len(s.forms) > 0 {
			all = append(all, s)
		}
	}
	for j := range all {
		for i := 0; i < j; i++ {
			if shareForm(all[i], all[j]) {
				bad(all[j].setting, "%s is the same key material as %s: every purpose needs a key of its own", all[j].about(), all[i].label)
			}
		}
	}
}

// keyMaterial decodes every key of Keys: a field whose variable ends in
// _KEYS is a "kid:base64,…" list, one ending in _KEY a base64 key, except
// the _ACTIVE_KEY names. Reading them by that rule means a key added to
// Keys later is checked without being listed here.
func (c Config) keyMaterial(bad func(name, format string, args ...any)) []secret {
	var out []secret
	v, t := reflect.ValueOf(c.Keys), reflect.TypeOf(c.Keys)
	for i := 0; i < t.NumField(); i++ {
		name, value := t.Field(i).Tag.Get("env"), strings.TrimSpace(v.Field(i).String())
		switch {
		case value == "" || strings.HasSuffix(name, "_ACTIVE_KEY"):
		case strings.HasSuffix(name, "_KEYS"):
			for n, entry := range strings.Split(value, ",") {
				kid, enc, found := strings.Cut(strings.TrimSpace(entry), ":")
				if strings.TrimSpace(entry) == "" {
					continue
				}
				label := fmt.Sprintf("%s key %q", EnvPrefix+name, strings.TrimSpace(kid))
				if len(strings.TrimSpace(kid)) > 32 { // not an id: perhaps a misplaced key, never quoted
					label = fmt.Sprintf("%s entry %d", EnvPrefix+name, n+1)
				}
				key, ok := decodeBase64(enc)
				if !found || !ok {
					bad(name, "entry %d is not kid:base64key", n+1)
					continue
				}
				out = append(out, secret{setting: name, label: label, forms: [][]byte{[]byte(strings.TrimSpace(enc)), key}, key: key})
			}
		case strings.HasSuffix(name, "_KEY"):
			key, ok := decodeBase64(value)
			if !ok {
				bad(name, "is not valid base64")
				continue
			}
			out = append(out, secret{setting: name, label: EnvPrefix + name, forms: [][]byte{[]byte(value), key}, key: key})
		}
	}
	return out
}

// credential is a secret an outside service issued (no forms when unset).
func credential(setting, value string) secret {
	s := secret{setting: setting, label: EnvPrefix + setting}
	if value = strings.TrimSpace(value); value != "" {
		s.forms = append(s.forms, []byte(value))
		if b, ok := decodeBase64(value); ok {
			s.forms = append(s.forms, b)
		}
	}
	return s
}

// about is the secret as its own setting's message names it.
func (s secret) about() string {
	switch {
	case s.label != EnvPrefix+s.setting:
	case s.key == nil:
		return "the secret"
	default:
		return "the key"
	}
	return strings.TrimPrefix(s.label, EnvPrefix+s.setting+" ")
}

// shareForm reports whether a and b hold the same material in any form:
// the same text, the same bytes under another base64 alphabet, or one the
// base64 of the other.
func shareForm(a, b secret) bool {
	for _, x := range a.forms {
		for _, y := range b.forms {
			if len(x) > 0 && bytes.Equal(x, y) {
				return true
			}
		}
	}
	return false
}

// weakness says why key cannot be a random key, or "" when nothing shows.
// A random 32-byte key fails none of these except with a probability far
// below 1e-12.
func weakness(key []byte) string {
	if len(key) < 2 {
		return ""
	}
	distinct := map[byte]bool{}
	counting := true
	for i, b := range key {
		distinct[b] = true
		if i > 0 && b-key[i-1] != key[1]-key[0] {
			counting = false
		}
	}
	switch {
	case len(distinct) == 1:
		return "one byte repeated, e.g. all zero"
	case counting:
		return "a counting sequence"
	case period(key) <= len(key)/2:
		return "a short pattern repeated"
	case len(distinct) < min(16, len(key)/2):
		return fmt.Sprintf("only %d distinct bytes", len(distinct))
	}
	return ""
}

// period is the smallest p such that key repeats every p bytes.
func period(key []byte) int {
	for p := 1; p < len(key); p++ {
		if bytes.Equal(key[p:], key[:len(key)-p]) {
			return p
		}
	}
	return len(key)
}

// decodeBase64 accepts the four base64 forms the key parsers accept.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, true
		}
	}
	return nil, false
}

// validateHTTPS reports a URL setting that is not https with a host: in
// production nothing goes to WeChat, or is linked to, in clear.
func validateHTTPS(bad func(name, format string, args ...any), name, value string) {
	u, err := url.Parse(value)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		bad(name, "must be an https:// URL in production")
	}
}

// validateBaseURL reports a base URL that links cannot be made under: not
// http(s), no host, or a query or fragment that appended paths would land in.
func validateBaseURL(bad func(name, format string, args ...any), name, value string) {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad(name, "must be an http(s) URL with a host and no query, e.g. https://uh.example.cn, got %q", value)
	}
}
