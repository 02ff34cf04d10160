package api

import "github.com/gin-gonic/gin"

// securityHeadersMiddleware sets, before any handler runs, the headers
// API.md §1 asks of every reply: X-Content-Type-Options: nosniff, so no
// browser reads an uploaded image or an export as HTML or script, and
// Cache-Control: no-store, so no browser, WeChat web view or proxy keeps a
// copy of personal data. Setting them first covers every reply alike: JSON
// and files, successes and errors, 401/403/404/405/413/429 and the
// recovery's 500, /healthz and /readyz too (a probe has no use for a cached
// answer). A handler whose reply holds no personal data and is the same for
// everyone may replace Cache-Control with a cache policy of its own; those
// are GET /card-keys (public keys verifiers keep offline), GET /dicts (code
// lists) and the join code image of a union. Every other handler leaves it.
func securityHeadersMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Frame-Options", "DENY") // no reply is meant to be framed (the console's pages least of all)
		if isConsolePath(c.Request.URL.Path) {
			setConsoleHeaders(h) // here, so the console's 404s and 405s have them too
		}
		c.Next()
	}
}
