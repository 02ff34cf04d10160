package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestSwagger: Swagger UI and the generated OpenAPI documents are served
// under /swagger/ in development, the OpenAPI 3 one also at /openapi.json
// (outside /api/v1), which Swagger UI reads.
func TestSwagger(t *testing.T) {
	e := newEnv(t, modeltest.Backends()[0], false)
	tests := []struct {
		path, contentType, contains string
		status                      int
	}{
		{"/swagger/index.html", "text/html", "swagger-ui-bundle.js", 200},
		{"/swagger/", "text/html", "init.js", 200},
		{"/swagger/init.js", "javascript", "./openapi.json", 200},
		{"/swagger/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle", 200},
		{"/swagger/swagger-ui.css", "text/css", ".swagger-ui", 200},
		{"/swagger/doc.json", "application/json", `"/verify"`, 200},
		{"/swagger/openapi.json", "application/json", `"openapi": "3.0.3"`, 200},
		{"/openapi.json", "application/json", `"openapi": "3.0.3"`, 200},
		{"/api/v1/openapi.json", "application/json", `"code":40400`, 404},
		{"/swagger/nothing.js", "", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			e.router.ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
			if w.Code != tc.status || !strings.Contains(w.Header().Get("Content-Type"), tc.contentType) ||
				!strings.Contains(w.Body.String(), tc.contains) {
				t.Fatalf("%s: %d %q, want %d %q containing %q", tc.path, w.Code, w.Header().Get("Content-Type"),
					tc.status, tc.contentType, tc.contains)
			}
		})
	}
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, httptest.NewRequest("GET", "/swagger/doc.json", nil))
	var doc struct {
		Swagger string         `json:"swagger"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || doc.Swagger != "2.0" || len(doc.Paths) < 50 {
		t.Fatalf("doc.json: %v, swagger %q, %d paths", err, doc.Swagger, len(doc.Paths))
	}
	if w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
}

// TestOpenAPIDocument: /openapi.json is the OpenAPI 3 document with the API
// under /api/v1 and the probes at the root.
func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, modeltest.Backends()[0], false)
	w := httptest.NewRecorder()
	e.router.ServeHTTP(w, httptest.NewRequest("GET", "/openapi.json", nil))
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]struct {
			Servers []struct {
				URL string `json:"url"`
			} `json:"servers"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != 200 {
		t.Fatalf("%d %v", w.Code, err)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" || len(doc.Paths) < 50 {
		t.Fatalf("openapi %q, servers %+v, %d paths", doc.OpenAPI, doc.Servers, len(doc.Paths))
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if s := doc.Paths[p].Servers; len(s) != 1 || s[0].URL != "/" {
			t.Errorf("%s: servers %+v, want the root", p, s)
		}
	}
	if s := doc.Paths["/verify"].Servers; len(s) != 0 {
		t.Errorf("/verify: servers %+v, want the document's", s)
	}
}

// TestSwaggerOff: with UNIONHUB_SWAGGER=false neither Swagger UI nor the
// OpenAPI documents are served.
func TestSwaggerOff(t *testing.T) {
	off := false
	e := newEnv(t, modeltest.Backends()[0], false, func(c *config.Config) { c.Swagger = &off })
	for _, path := range []string{"/openapi.json", "/swagger/openapi.json", "/swagger/index.html", "/swagger/doc.json"} {
		w := httptest.NewRecorder()
		e.router.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, w.Code)
		}
	}
}
