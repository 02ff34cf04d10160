package api_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/docs"
	"github.com/unionhub/unionhub/model/modeltest"
)

// undocumentedRoutes are served but not part of the API document: the
// documents and UI themselves, Prometheus' exposition format and the web
// console's files.
var undocumentedRoutes = map[string]bool{
	"GET /openapi.json": true, "GET /swagger/*any": true, "GET /metrics": true,
	"GET /console": true, "HEAD /console": true, "GET /console/*path": true, "HEAD /console/*path": true,
}

// TestOpenAPIRoutes: every route of the router is in the OpenAPI 3
// document with its method, and the document has no route the router
// lacks.
func TestOpenAPIRoutes(t *testing.T) {
	e := newEnv(t, modeltest.Backends()[0], false)
	engine, ok := e.router.(*gin.Engine)
	if !ok {
		t.Fatalf("router is %T, want *gin.Engine", e.router)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(docs.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		prefix := "/api/v1"
		if _, root := item["servers"]; root {
			prefix = ""
		}
		for method := range item {
			if method != "servers" && method != "parameters" {
				documented[strings.ToUpper(method)+" "+prefix+path] = true
			}
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	routed := map[string]bool{}
	for _, r := range engine.Routes() {
		key := r.Method + " " + param.ReplaceAllString(r.Path, "{$1}")
		if undocumentedRoutes[key] {
			continue
		}
		routed[key] = true
		if !documented[key] {
			t.Errorf("%s is routed but not in docs/openapi.json (swag annotations, then go generate ./docs)", key)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("%s is in docs/openapi.json but not routed", key)
		}
	}
}
