package api_test

import (
	"encoding/json"
	"testing"
)

// hasAuditTarget reports whether the page holds a row on target.
func hasAuditTarget(p auditPage, target string) bool {
	for _, it := range p.Items {
		if it.Target == target {
			return true
		}
	}
	return false
}

// jsonKeys returns every object key in raw, at any depth, so a test can
// say a field is absent however deep a regression would put it.
func jsonKeys(t *testing.T, raw []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	keys := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				keys[k] = true
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return keys
}

// expectField fails unless the reply names exactly one bad field, field,
// with a message in Chinese (API.md §1).
func (r reply) expectField(t *testing.T, field string) reply {
	t.Helper()
	if len(r.Details) != 1 || r.Details[0].Field != field || !hasHan(r.Details[0].Message) {
		t.Fatalf("details %+v, want one on %s with a Chinese message: %s", r.Details, field, r.Raw)
	}
	return r
}
