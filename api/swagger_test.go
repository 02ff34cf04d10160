package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/model/modeltest"
)

// TestSwagger: Swagger UI and the generated OpenAPI document are served
// under /swagger/ in development.
func TestSwagger(t *testing.T) {
	e := newEnv(t, modeltest.Backends()[0], false)
	tests := []struct {
		path, contentType, contains string
		status                      int
	}{
		{"/swagger/index.html", "text/html", "swagger-ui-bundle.js", 200},
		{"/swagger/", "text/html", "init.js", 200},
		{"/swagger/init.js", "javascript", "./doc.json", 200},
		{"/swagger/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle", 200},
		{"/swagger/swagger-ui.css", "text/css", ".swagger-ui", 200},
		{"/swagger/doc.json", "application/json", `"/verify"`, 200},
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
