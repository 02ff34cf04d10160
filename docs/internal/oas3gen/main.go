// Command oas3gen writes docs/openapi.json, the OpenAPI 3 document, from
// swag's OpenAPI 2 output (docs/swagger.json): converted with kin-openapi,
// schemas renamed to names client generators turn into clean types
// (api.Envelope-api_listResponse-api_applicationListItem becomes
// ApplicationListItemPageEnvelope), reply fields required unless omitempty
// and nullable where Go may write null, /healthz and /readyz outside
// /api/v1, the error code table and a Bearer security scheme.
//
// Usage (docs/doc.go): oas3gen -in swagger.json -out openapi.json -- <swag
// init flags>. The swag flags are those of the first go:generate line: swag
// runs once more with --requiredByDefault into a temporary directory, which
// tells which reply fields are always present.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "oas3gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("oas3gen", flag.ContinueOnError)
	in := fs.String("in", "swagger.json", "swag's OpenAPI 2 document")
	out := fs.String("out", "openapi.json", "the OpenAPI 3 document to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	swagArgs := fs.Args()
	v2, err := readJSON(*in)
	if err != nil {
		return err
	}
	if len(swagArgs) > 0 {
		strict, err := swagRequiredByDefault(swagArgs)
		if err != nil {
			return err
		}
		if err := mergeRequired(v2, strict); err != nil {
			return err
		}
		if err := markNullable(v2, swagDirs(swagArgs)); err != nil {
			return err
		}
	}
	doc, err := convert(v2)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, doc, 0o644)
}

// convert turns the OpenAPI 2 document (decoded JSON) into the finished
// OpenAPI 3 document.
func convert(v2 map[string]any) ([]byte, error) {
	if err := renameSchemas(v2); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v2)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		return nil, err
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, err
	}
	if err := finish(doc3); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc3); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readJSON(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// swagRequiredByDefault runs swag init with the given flags and
// --requiredByDefault into a temporary directory and returns its JSON.
func swagRequiredByDefault(swagArgs []string) (map[string]any, error) {
	dir, err := os.MkdirTemp("", "oas3gen")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := append([]string{"tool", "swag", "init", "--quiet", "--requiredByDefault", "--outputTypes", "json", "-o", dir}, swagArgs...)
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("swag --requiredByDefault: %w: %s", err, stderr.String())
	}
	return readJSON(filepath.Join(dir, "swagger.json"))
}

// swagDirs returns the directories of swag's -d flag.
func swagDirs(swagArgs []string) []string {
	for i, a := range swagArgs {
		if (a == "-d" || a == "--dir") && i+1 < len(swagArgs) {
			return strings.Split(swagArgs[i+1], ",")
		}
		if v, ok := strings.CutPrefix(a, "--dir="); ok {
			return strings.Split(v, ",")
		}
	}
	return []string{"./"}
}

// mergeRequired gives every schema only used in replies the required list
// of the --requiredByDefault run (every field but the omitempty ones);
// schemas a request body uses keep the lists of their binding tags, so a
// client is never made to send an optional field.
func mergeRequired(v2, strict map[string]any) error {
	defs, _ := v2["definitions"].(map[string]any)
	strictDefs, _ := strict["definitions"].(map[string]any)
	if defs == nil || strictDefs == nil {
		return errors.New("no definitions")
	}
	requests := requestSchemas(v2)
	for name, d := range defs {
		if requests[name] {
			continue
		}
		s, ok := strictDefs[name].(map[string]any)
		if !ok {
			return fmt.Errorf("schema %s is missing from the --requiredByDefault run", name)
		}
		if req, ok := s["required"]; ok {
			d.(map[string]any)["required"] = req
		}
	}
	return nil
}

// requestSchemas names every definition reachable from a request body or
// parameter.
func requestSchemas(v2 map[string]any) map[string]bool {
	defs, _ := v2["definitions"].(map[string]any)
	seen := map[string]bool{}
	var visit func(v any)
	visit = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/definitions/")
				if !seen[name] {
					seen[name] = true
					visit(defs[name])
				}
			}
			for _, x := range t {
				visit(x)
			}
		case []any:
			for _, x := range t {
				visit(x)
			}
		}
	}
	paths, _ := v2["paths"].(map[string]any)
	for _, item := range paths {
		for _, op := range item.(map[string]any) {
			if m, ok := op.(map[string]any); ok {
				visit(m["parameters"])
			}
		}
	}
	return seen
}
