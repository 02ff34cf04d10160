package api

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"

	"github.com/unionhub/unionhub/docs"
	"github.com/unionhub/unionhub/service"
)

// openAPIHandler serves the OpenAPI 3 document (GET /openapi.json, also
// /swagger/openapi.json beside Swagger UI).
func openAPIHandler(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", docs.OpenAPI())
}

// swaggerHandler serves /swagger/*any: Swagger UI (index.html) reading the
// OpenAPI 3 document at openapi.json; swag's OpenAPI 2 original stays at
// doc.json.
func swaggerHandler() gin.HandlerFunc {
	ui := docs.SwaggerUI()
	files := http.StripPrefix("/swagger", http.FileServer(http.FS(ui)))
	return func(c *gin.Context) {
		switch c.Param("any") {
		case "/openapi.json":
			openAPIHandler(c)
		case "/doc.json":
			doc, err := swag.ReadDoc()
			if err != nil {
				fail(c, service.Wrap(service.KindInternal, "系统繁忙，请稍后再试", err))
				return
			}
			c.Data(http.StatusOK, "application/json; charset=utf-8", []byte(doc))
		case "/", "/index.html":
			// Served here: the file server would redirect index.html to ./
			page, err := fs.ReadFile(ui, "index.html")
			if err != nil {
				fail(c, service.Wrap(service.KindInternal, "系统繁忙，请稍后再试", err))
				return
			}
			c.Data(http.StatusOK, "text/html; charset=utf-8", page)
		default:
			files.ServeHTTP(c.Writer, c.Request)
		}
	}
}
