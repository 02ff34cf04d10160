package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// markNullable marks the reply fields Go may write as null (a pointer, map,
// interface or json.RawMessage without omitempty) x-nullable, which the
// conversion turns into nullable: true. swag does not say so itself.
// Schemas a request uses are left alone.
func markNullable(v2 map[string]any, dirs []string) error {
	structs, err := parseStructs(dirs)
	if err != nil {
		return err
	}
	requests := requestSchemas(v2)
	defs, _ := v2["definitions"].(map[string]any)
	for name, d := range defs {
		if requests[name] {
			continue
		}
		base, _, _ := strings.Cut(name, "-")
		props, _ := d.(map[string]any)["properties"].(map[string]any)
		for _, field := range nullableFields(structs, base, 0) {
			p, ok := props[field].(map[string]any)
			if !ok {
				return fmt.Errorf("schema %s: no property %s", name, field)
			}
			if ref, ok := p["$ref"]; ok {
				delete(p, "$ref")
				p["allOf"] = []any{map[string]any{"$ref": ref}}
			}
			p["x-nullable"] = true
		}
	}
	return nil
}

// parseStructs reads the struct types of the Go files in dirs, keyed
// package.Type as swag names them.
func parseStructs(dirs []string) (map[string]*ast.StructType, error) {
	out := map[string]*ast.StructType{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return nil, err
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						out[f.Name.Name+"."+ts.Name.Name] = st
					}
				}
				return true
			})
		}
	}
	return out, nil
}

// nullableFields lists the JSON names of typ's fields that may be null,
// embedded structs' fields included.
func nullableFields(structs map[string]*ast.StructType, typ string, depth int) []string {
	st, ok := structs[typ]
	if !ok || depth > 8 {
		return nil
	}
	pkg, _, _ := strings.Cut(typ, ".")
	var out []string
	for _, f := range st.Fields.List {
		tag := ""
		if f.Tag != nil {
			tag = reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json")
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if len(f.Names) == 0 && name == "" {
			out = append(out, nullableFields(structs, embeddedName(pkg, f.Type), depth+1)...)
			continue
		}
		if strings.Contains(","+opts+",", ",omitempty,") || !mayBeNull(f.Type) {
			continue
		}
		for _, id := range f.Names {
			if !id.IsExported() {
				continue
			}
			n := name
			if n == "" {
				n = id.Name
			}
			out = append(out, n)
		}
	}
	return out
}

func embeddedName(pkg string, t ast.Expr) string {
	switch x := t.(type) {
	case *ast.Ident:
		return pkg + "." + x.Name
	case *ast.SelectorExpr:
		if p, ok := x.X.(*ast.Ident); ok {
			return p.Name + "." + x.Sel.Name
		}
	}
	return ""
}

func mayBeNull(t ast.Expr) bool {
	switch x := t.(type) {
	case *ast.StarExpr, *ast.MapType, *ast.InterfaceType:
		return true
	case *ast.Ident:
		return x.Name == "any"
	case *ast.SelectorExpr:
		p, ok := x.X.(*ast.Ident)
		return ok && p.Name == "json" && x.Sel.Name == "RawMessage"
	}
	return false
}
