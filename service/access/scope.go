package access

import (
	"strings"

	"github.com/unionhub/unionhub/model"
)

// Binding is one live role binding of the caller, with its org's path.
type Binding struct {
	ID      int64
	OrgID   int64
	OrgPath string
	OrgName string
	OrgType string
	Role    Role
}

// Scope is what a caller may reach: its live bindings.
type Scope struct {
	UserID   int64
	Bindings []Binding
}

// Can reports whether any of the caller's roles may take action somewhere.
// Without it the answer is 403.
func (s Scope) Can(action Action) bool {
	for _, b := range s.Bindings {
		if Allowed(b.Role, action) {
			return true
		}
	}
	return false
}

// Paths returns the org subtrees in which the caller may take action. Paths
// inside another path of the list are dropped. Stores filter by these; an
// object outside them answers 404.
func (s Scope) Paths(action Action) []string {
	var out []string
	for _, b := range s.Bindings {
		if Allowed(b.Role, action) {
			out = append(out, b.OrgPath)
		}
	}
	return minimalPaths(out)
}

// Covers reports whether orgPath lies in a subtree where the caller may
// take action.
func (s Scope) Covers(action Action, orgPath string) bool {
	for _, p := range s.Paths(action) {
		if strings.HasPrefix(orgPath, p) {
			return true
		}
	}
	return false
}

// BindingsFor returns the bindings through which the caller may take action
// at orgPath, widest first.
func (s Scope) BindingsFor(action Action, orgPath string) []Binding {
	var out []Binding
	for _, b := range s.Bindings {
		if Allowed(b.Role, action) && strings.HasPrefix(orgPath, b.OrgPath) {
			out = append(out, b)
		}
	}
	return out
}

func minimalPaths(paths []string) []string {
	var out []string
	for i, p := range paths {
		covered := false
		for j, q := range paths {
			if i != j && strings.HasPrefix(p, q) && (len(q) < len(p) || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

// BindingAt returns one of the caller's bindings at orgID itself.
func (s Scope) BindingAt(orgID int64) (Binding, bool) {
	for _, b := range s.Bindings {
		if b.OrgID == orgID {
			return b, true
		}
	}
	return Binding{}, false
}

// SingleUnion returns the grassroots union when the caller may take action
// in exactly that one union (a chair or staff). Lists then filter on the
// union's id itself, which lets the database read the (org_id, status,
// created_at, id) index in order instead of sorting the subtree's rows.
func (s Scope) SingleUnion(action Action) (int64, bool) {
	var found *Binding
	for i, b := range s.Bindings {
		if !Allowed(b.Role, action) {
			continue
		}
		if found != nil && found.OrgID != b.OrgID {
			return 0, false
		}
		found = &s.Bindings[i]
	}
	if found == nil || found.OrgType != model.OrgGrassroots {
		return 0, false
	}
	return found.OrgID, true
}
