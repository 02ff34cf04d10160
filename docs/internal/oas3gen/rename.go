package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// wrappers are the generic types swag names Outer-pkg_Inner, with the
// suffix each adds to the clean name of its type argument.
var wrappers = map[string]string{
	"api.Envelope":     "Envelope",
	"api.listResponse": "Page",
}

// packagePrefixes start the clean names of types outside package api.
var packagePrefixes = map[string]string{
	"mydata": "MyData",
	"rights": "Rights",
}

// strippedSuffixes are dropped from Go type names (applicationResponse is
// Application) unless that collides with another type's name.
var strippedSuffixes = []string{"Response", "JSON"}

var cleanName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// renameSchemas renames every definition of the OpenAPI 2 document to its
// clean name and rewrites every $ref.
func renameSchemas(v2 map[string]any) error {
	defs, _ := v2["definitions"].(map[string]any)
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	renames, err := cleanNames(names)
	if err != nil {
		return err
	}
	renamed := make(map[string]any, len(defs))
	for old, d := range defs {
		renamed[renames[old]] = d
	}
	v2["definitions"] = renamed
	return rewriteRefs(v2, func(ref string) (string, error) {
		old, ok := strings.CutPrefix(ref, "#/definitions/")
		if !ok {
			return ref, nil
		}
		n, ok := renames[old]
		if !ok {
			return "", fmt.Errorf("$ref to an unknown schema %s", ref)
		}
		return "#/definitions/" + n, nil
	})
}

// cleanNames maps swag's schema names to clean ones: deterministic,
// collision-checked, each a valid identifier in any client language.
func cleanNames(names []string) (map[string]string, error) {
	sort.Strings(names)
	// Plain types first: a generic's name is built from its argument's.
	plain := map[string]string{}
	byCandidate := map[string][]string{}
	for _, n := range names {
		if strings.Contains(n, "-") {
			continue
		}
		c, err := plainCandidate(n)
		if err != nil {
			return nil, err
		}
		byCandidate[c] = append(byCandidate[c], n)
	}
	for c, group := range byCandidate {
		if len(group) == 1 {
			plain[group[0]] = c
			continue
		}
		// A collision: the type whose own name is the candidate keeps it,
		// the others keep their suffixes.
		for _, n := range group {
			full, err := plainFull(n)
			if err != nil {
				return nil, err
			}
			plain[n] = full
		}
	}
	out := map[string]string{}
	used := map[string]string{}
	for _, n := range names {
		c, err := genericName(n, plain)
		if err != nil {
			return nil, err
		}
		if !cleanName.MatchString(c) {
			return nil, fmt.Errorf("schema %s: clean name %q is not an identifier", n, c)
		}
		if prev, dup := used[c]; dup {
			return nil, fmt.Errorf("schemas %s and %s would both be named %s", prev, n, c)
		}
		used[c] = n
		out[n] = c
	}
	return out, nil
}

// genericName names n, a plain type or a chain of generic wrappers
// (api.Envelope-api_listResponse-api_applicationListItem).
func genericName(n string, plain map[string]string) (string, error) {
	parts := strings.Split(n, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.Replace(parts[i], "_", ".", 1)
	}
	inner := parts[len(parts)-1]
	name, ok := plain[inner]
	if !ok {
		return "", fmt.Errorf("schema %s: no plain schema %s", n, inner)
	}
	for i := len(parts) - 2; i >= 0; i-- {
		suffix, ok := wrappers[parts[i]]
		if !ok {
			return "", fmt.Errorf("schema %s: unknown generic type %s (add it to wrappers)", n, parts[i])
		}
		name += suffix
	}
	return name, nil
}

// plainCandidate is the preferred clean name of a non-generic type.
func plainCandidate(n string) (string, error) {
	full, err := plainFull(n)
	if err != nil {
		return "", err
	}
	for _, s := range strippedSuffixes {
		if t, ok := strings.CutSuffix(full, s); ok && t != "" {
			return t, nil
		}
	}
	return full, nil
}

// plainFull is a non-generic type's name capitalised, with its package
// prefix outside package api.
func plainFull(n string) (string, error) {
	pkg, typ, ok := strings.Cut(n, ".")
	if !ok || typ == "" {
		return "", fmt.Errorf("schema %s: want package.Type", n)
	}
	name := strings.ToUpper(typ[:1]) + typ[1:]
	if pkg == "api" {
		return name, nil
	}
	prefix, ok := packagePrefixes[pkg]
	if !ok {
		return "", fmt.Errorf("schema %s: no prefix for package %s (add it to packagePrefixes)", n, pkg)
	}
	if name == "Data" {
		return prefix, nil // mydata.Data is MyData
	}
	return prefix + name, nil
}

// rewriteRefs applies f to every $ref in v.
func rewriteRefs(v any, f func(string) (string, error)) error {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && k == "$ref" {
				n, err := f(s)
				if err != nil {
					return err
				}
				t[k] = n
				continue
			}
			if err := rewriteRefs(x, f); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range t {
			if err := rewriteRefs(x, f); err != nil {
				return err
			}
		}
	}
	return nil
}
