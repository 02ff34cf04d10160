package docs

import _ "embed"

// openAPI is the OpenAPI 3 document (openapi.json, go generate).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3 document, served at /openapi.json. The
// caller must not change it.
func OpenAPI() []byte { return openAPI }
