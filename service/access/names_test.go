package access_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/access"
)

func TestSeesFullNames(t *testing.T) {
	const union, other = 7, 8
	bind := func(org int64, r access.Role) access.Binding { return access.Binding{OrgID: org, Role: r} }
	tests := []struct {
		name     string
		bindings []access.Binding
		want     bool
	}{
		{"chair of the union", []access.Binding{bind(union, access.UnionChair)}, true},
		{"staff of the union", []access.Binding{bind(union, access.UnionStaff)}, true},
		{"federation admin above it", []access.Binding{bind(1, access.FederationAdmin)}, false},
		{"federation admin at an intake point", []access.Binding{bind(union, access.FederationAdmin)}, false},
		{"verifier of the union", []access.Binding{bind(union, access.Verifier)}, false},
		{"chair of another union", []access.Binding{bind(other, access.UnionChair)}, false},
		{"federation admin who is also staff there", []access.Binding{bind(1, access.FederationAdmin), bind(union, access.UnionStaff)}, true},
		{"no role", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (access.Scope{Bindings: tt.bindings}).SeesFullNames(union); got != tt.want {
				t.Errorf("SeesFullNames = %v, want %v", got, tt.want)
			}
		})
	}
}
