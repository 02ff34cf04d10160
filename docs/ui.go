package docs

import (
	"embed"
	"io/fs"
)

// swaggerUI is Swagger UI (swagger-ui-dist 5.35.0, Apache-2.0: see its
// LICENSE and NOTICE) with a page that loads ./openapi.json (the OpenAPI 3 document). The files stay in
// the binary's read-only data and are paged in only when served; the
// swaggo/files package this replaced copied ~10 MB into the heap at every
// start, production or not.
//
//go:embed swaggerui
var swaggerUI embed.FS

// SwaggerUI returns the Swagger UI files, index.html at the root.
func SwaggerUI() fs.FS {
	sub, err := fs.Sub(swaggerUI, "swaggerui")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
