package api

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
)

// consoleCSP is the console's Content Security Policy: its own files only,
// no inline script or style and no eval, so an injected string can neither
// run nor restyle the page; images also from data: (the login code) and
// blob: (downloads); no framing (clickjacking), no <base>, forms post only
// here. docs/security.md explains each directive.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
	"form-action 'self'; object-src 'none'"

// setConsoleHeaders sets the console's security headers (nosniff and
// no-store come with every reply).
func setConsoleHeaders(h http.Header) {
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// isConsolePath reports whether p is /console or below it.
func isConsolePath(p string) bool {
	rest, found := strings.CutPrefix(p, "/console")
	return found && (rest == "" || rest[0] == '/')
}

// consoleFiles serves the built console from files: a file as it is; any
// other path the single-page app's index.html, whose router shows the page
// (a missing file under assets/ is a 404, not a page). Files under assets/
// carry a content hash in their names and are cached for a year;
// index.html is never cached, so a new build is picked up at once.
// Text files are sent gzip-compressed to browsers that take it, compressed
// once per file and kept (the files never change while the process runs).
type consoleFiles struct {
	files fs.FS
	mu    sync.Mutex
	gz    map[string][]byte // compressed bodies by path; nil: not worth it
}

func newConsoleFiles(files fs.FS) *consoleFiles {
	return &consoleFiles{files: files, gz: map[string][]byte{}}
}

// redirect sends /console to /console/, where the app's relative URLs work.
func (f *consoleFiles) redirect(c *gin.Context) {
	c.Redirect(http.StatusMovedPermanently, "/console/")
}

func (f *consoleFiles) serve(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("path")), "/")
	body, err := fs.ReadFile(f.files, name)
	switch {
	case err == nil && name != "":
	case strings.HasPrefix(name, "assets/"):
		fail(c, service.E(service.KindNotFound, "请求的文件不存在"))
		return
	default:
		name = "index.html"
		if body, err = fs.ReadFile(f.files, name); err != nil {
			fail(c, service.E(service.KindNotFound, "管理后台未安装"))
			return
		}
	}
	h := c.Writer.Header()
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	h.Set("Content-Type", ct)
	if compressible(ct) {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			if gz := f.gzipped(name, body); gz != nil {
				h.Set("Content-Encoding", "gzip")
				body = gz
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}

// gzipped returns body compressed, or nil when that does not make it
// smaller.
func (f *consoleFiles) gzipped(name string, body []byte) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if gz, done := f.gz[name]; done {
		return gz
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level
	_, _ = w.Write(body)                                    // a bytes.Buffer does not fail
	_ = w.Close()
	var gz []byte
	if buf.Len() < len(body) {
		gz = buf.Bytes()
	}
	f.gz[name] = gz
	return gz
}

func compressible(contentType string) bool {
	for _, p := range []string{"text/", "application/javascript", "application/json", "image/svg+xml"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header takes gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") || strings.TrimSpace(coding) == "*" {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
