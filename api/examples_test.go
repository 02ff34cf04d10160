package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

// TestSwagExamplesPassTheServersChecks: every example:"…" of a uscc or
// id_number field in the API's types passes the server's own validators,
// so a newcomer who copies one from the docs is not refused (issue 16: the
// example USCC 91420100MA4K0A1B2C failed the check of positions 9–17).
func TestSwagExamplesPassTheServersChecks(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	checks := map[string]func(string) error{
		"uscc": codes.CheckUSCC,
		"id_number": func(v string) error {
			idType := codes.IDTypeResident
			if strings.HasPrefix(v, "81") || strings.HasPrefix(v, "82") || strings.HasPrefix(v, "83") {
				idType = codes.IDTypePermit
			}
			_, err := codes.ParseIDNumber(v, idType, now, time.UTC)
			return err
		},
	}
	seen := map[string]int{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			raw, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				t.Fatalf("%s: tag %s", fset.Position(field.Pos()), field.Tag.Value)
			}
			tag := reflect.StructTag(raw)
			jsonName, _, _ := strings.Cut(tag.Get("json"), ",")
			example, hasExample := tag.Lookup("example")
			for suffix, check := range checks {
				if jsonName != suffix && !strings.HasSuffix(jsonName, "_"+suffix) {
					continue
				}
				seen[suffix]++
				if !hasExample {
					continue
				}
				if err := check(example); err != nil {
					t.Errorf("%s: %s example %q fails the server's check: %v", fset.Position(field.Pos()), jsonName, example, err)
				}
			}
			return true
		})
	}
	if seen["uscc"] == 0 || seen["id_number"] == 0 {
		t.Fatalf("found no uscc or id_number fields to check: %v", seen)
	}
}
