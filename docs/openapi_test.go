package docs_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/unionhub/unionhub/docs"
)

// TestOpenAPI3: the committed openapi.json loads and validates as OpenAPI
// 3 with kin-openapi, every $ref resolving, with clean schema names, the
// Bearer scheme, the error codes and the probes outside /api/v1.
func TestOpenAPI3(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docs.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("servers %v, want /api/v1", doc.Servers)
	}
	clean := regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	for name := range doc.Components.Schemas {
		if !clean.MatchString(name) {
			t.Errorf("schema name %q is not clean", name)
		}
	}
	tests := []struct{ schema, want string }{
		{"ApplicationListItemPageEnvelope", "ApplicationListItemPage"},
		{"ApplicationEnvelope", "Application"},
		{"CardEnvelope", "Card"},
	}
	for _, tc := range tests {
		s := doc.Components.Schemas[tc.schema]
		if s == nil || s.Value.Properties["data"] == nil || s.Value.Properties["data"].Ref != "#/components/schemas/"+tc.want {
			t.Errorf("%s.data: want a $ref to %s", tc.schema, tc.want)
		}
	}
	for path, item := range doc.Paths.Map() {
		root := path == "/healthz" || path == "/readyz"
		if root != (len(item.Servers) == 1 && item.Servers[0].URL == "/") {
			t.Errorf("%s: servers %v", path, item.Servers)
		}
		for method, op := range item.Operations() {
			if op.Responses.Default() == nil {
				t.Errorf("%s %s: no default (error) response", method, path)
			}
		}
	}
	bearer := doc.Components.SecuritySchemes["BearerAuth"]
	if bearer == nil || bearer.Value.Type != "http" || bearer.Value.Scheme != "bearer" {
		t.Errorf("BearerAuth: %+v", bearer)
	}
	for _, code := range []int{40000, 40001, 40100, 40101, 40102, 40300, 40400, 40500, 40900, 40901, 40902, 40903, 41300, 41500, 42900, 50000, 50200, 50300} {
		if !strings.Contains(doc.Info.Description, "| "+strconv.Itoa(code)+" |") {
			t.Errorf("code %d is not in info.description's table", code)
		}
	}
	if strings.Contains(string(docs.OpenAPI()), "x-formData-name") {
		t.Error("x-formData-name marks left from the conversion")
	}
	if doc.Components.Responses["MethodNotAllowed"] == nil {
		t.Error("no MethodNotAllowed response")
	}
}
