package codes

import "testing"

// TestAliasesResolve guards against an alias whose target was misspelt,
// which newDict would drop silently.
func TestAliasesResolve(t *testing.T) {
	lists := map[string]struct {
		d       *Dict
		aliases int
	}{
		"ethnicity": {ethnicity, 2}, "education": {education, 18},
		"political": {political, 15}, "household": {householdType, 3},
	}
	for name, l := range lists {
		if len(l.d.alias) != l.aliases {
			t.Errorf("%s: %d aliases resolve, want %d", name, len(l.d.alias), l.aliases)
		}
		for a := range l.d.alias {
			if _, ok := l.d.byName[a]; ok {
				t.Errorf("%s: alias %q is also a canonical name", name, a)
			}
		}
	}
}
