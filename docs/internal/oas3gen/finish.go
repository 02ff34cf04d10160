package main

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// errorCode is one row of API.md §1's code table. api's test
// TestOpenAPIErrorCodes checks the document against api's error mapping.
type errorCode struct {
	code, status int
	meaning      string
}

var errorCodes = []errorCode{
	{40000, 400, "malformed request (bad JSON, bad query parameter, bad cursor)"},
	{40001, 422, "validation failed; `details` lists every bad field"},
	{40100, 401, "missing or invalid access token"},
	{40101, 401, "access token expired (client should refresh)"},
	{40102, 401, "WeChat login code invalid or already used"},
	{40300, 403, "authenticated but the caller's roles do not allow this action"},
	{40400, 404, "not found, or exists outside the caller's scope (never reveal existence)"},
	{40500, 405, "method not allowed on this path"},
	{40900, 409, "state conflict (wrong status, stale `version`)"},
	{40901, 409, "the ID number belongs to a member on the roll (`active`, `retained`, `suspended`)"},
	{40902, 409, "the user already has an open application"},
	{40903, 409, "limit reached (benefit limit, invitation used up)"},
	{41300, 413, "body or file too large"},
	{41500, 415, "file type not accepted"},
	{42900, 429, "rate limited (`Retry-After` header set)"},
	{50000, 500, "internal error (no internals in the message)"},
	{50200, 502, "WeChat upstream error"},
	{50300, 503, "dependency unavailable"},
}

// rootPaths are served outside /api/v1 (api/routes.go).
var rootPaths = []string{"/healthz", "/readyz"}

const (
	errorSchema  = "Error"
	bearerScheme = "BearerAuth"
)

// finish completes the converted document: servers, the Bearer scheme, the
// error code table, shared error responses.
func finish(doc *openapi3.T) error {
	doc.OpenAPI = "3.0.3"
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		return fmt.Errorf("servers: want one, /api/v1 (swag's @BasePath), have %v", doc.Servers)
	}
	doc.Servers[0].Description = "the API; /healthz and /readyz are at the root (their own servers)"
	for _, p := range rootPaths {
		item := doc.Paths.Value(p)
		if item == nil {
			return fmt.Errorf("path %s is not documented", p)
		}
		item.Servers = openapi3.Servers{{URL: "/", Description: "the server's root, outside /api/v1"}}
	}
	doc.Components.SecuritySchemes = openapi3.SecuritySchemes{bearerScheme: {Value: &openapi3.SecurityScheme{
		Type: "http", Scheme: "bearer",
		Description: "The access token from POST /auth/wechat/login or /auth/refresh: Authorization: Bearer <access_token>.",
	}}}
	doc.Info.Description += "\n\n" + codeTable()
	if err := errorSchemaCodes(doc); err != nil {
		return err
	}
	dropFormDataNames(doc)
	return errorResponses(doc)
}

// dropFormDataNames removes the x-formData-name marks the conversion leaves
// on multipart bodies' properties (only its own way back to OpenAPI 2 reads
// them).
func dropFormDataNames(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				if mt.Schema == nil || mt.Schema.Value == nil {
					continue
				}
				for _, p := range mt.Schema.Value.Properties {
					if p.Value != nil {
						delete(p.Value.Extensions, "x-formData-name")
					}
				}
			}
		}
	}
}

func codeTable() string {
	var b strings.Builder
	b.WriteString("Error codes (the envelope's `code`, with the HTTP status):\n\n| code | HTTP | meaning |\n|---|---|---|\n| 0 | 200/201/202 | ok |\n")
	for _, c := range errorCodes {
		fmt.Fprintf(&b, "| %d | %d | %s |\n", c.code, c.status, c.meaning)
	}
	return b.String()
}

// errorSchemaCodes lists every code in the Error schema's code enum and
// makes its fields required.
func errorSchemaCodes(doc *openapi3.T) error {
	s := doc.Components.Schemas[errorSchema]
	if s == nil || s.Value == nil || s.Value.Properties["code"] == nil {
		return fmt.Errorf("no %s schema with a code (api.ErrorResponse)", errorSchema)
	}
	code := s.Value.Properties["code"].Value
	code.Enum = nil
	var lines []string
	for _, c := range errorCodes {
		code.Enum = append(code.Enum, c.code)
		lines = append(lines, fmt.Sprintf("%d: %s", c.code, c.meaning))
	}
	code.Description = "the error code (HTTP status × 100 + a number): " + strings.Join(lines, "; ")
	s.Value.Required = []string{"code", "message", "request_id"}
	return nil
}

// errorResponses defines one shared response per error status, naming its
// codes, makes each operation's plain error responses refer to it, and
// gives every operation a default response of the Error schema.
func errorResponses(doc *openapi3.T) error {
	byStatus := map[int][]errorCode{}
	for _, c := range errorCodes {
		byStatus[c.status] = append(byStatus[c.status], c)
	}
	errRef := &openapi3.SchemaRef{Ref: "#/components/schemas/" + errorSchema}
	content := openapi3.NewContentWithJSONSchemaRef(errRef)
	doc.Components.Responses = openapi3.ResponseBodies{}
	names := map[int]string{}
	for status, codes := range byStatus {
		name := strings.ReplaceAll(http.StatusText(status), " ", "")
		names[status] = name
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d %s", c.code, c.meaning))
		}
		desc := fmt.Sprintf("%s: %s", http.StatusText(status), strings.Join(parts, "; "))
		doc.Components.Responses[name] = &openapi3.ResponseRef{Value: &openapi3.Response{Description: &desc, Content: content}}
	}
	desc := "An error: the envelope with code, message, request_id and, for 422/40001, details (see the code table)."
	doc.Components.Responses[errorSchema] = &openapi3.ResponseRef{Value: &openapi3.Response{Description: &desc, Content: content}}
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, p := range keys {
		for method, op := range paths[p].Operations() {
			for key, r := range op.Responses.Map() {
				status, err := strconv.Atoi(key)
				if err != nil || status < 400 {
					continue
				}
				name, known := names[status]
				if !known {
					return fmt.Errorf("%s %s: error status %d is not in the code table", method, p, status)
				}
				if r.Value != nil && r.Value.Description != nil && *r.Value.Description == http.StatusText(status) && refersToError(r.Value) {
					op.Responses.Set(key, &openapi3.ResponseRef{Ref: "#/components/responses/" + name})
				}
			}
			op.Responses.Set("default", &openapi3.ResponseRef{Ref: "#/components/responses/" + errorSchema})
		}
	}
	return nil
}

func refersToError(r *openapi3.Response) bool {
	mt := r.Content.Get("application/json")
	return mt != nil && mt.Schema != nil && mt.Schema.Ref == "#/components/schemas/"+errorSchema
}
