package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
)

const (
	headerRequestID = "X-Request-ID"
	ctxRequestID    = "request_id"
	ctxLogger       = "logger"
	// maxBodyBytes is the limit of an ordinary JSON body (API.md §1).
	maxBodyBytes = 1 << 20
)

// requestIDMiddleware keeps an incoming X-Request-ID (when it is sane) or
// makes one, and sends it back as a header.
func requestIDMiddleware(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(ctxLogger, log)
		id := c.GetHeader(headerRequestID)
		if !validRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Header(headerRequestID, id)
		ctx := cache.WithDebt(audit.WithRequestID(c.Request.Context(), id))
		c.Request = c.Request.WithContext(ctx)
		w := &payingWriter{ResponseWriter: c.Writer, ctx: ctx}
		c.Writer = w
		c.Next()
		w.pay() // a reply without a body is written by gin after this, past the wrapper
	}
}

// payingWriter holds a reply back until every node sees the cache writes
// the request made (cache.Pay): a client that has its answer finds the
// change on whichever node it asks next.
type payingWriter struct {
	gin.ResponseWriter
	ctx context.Context
}

// pay waits for what the request owes so far: at every write, so that a
// cache write made after the first bytes is waited for before the next.
func (w *payingWriter) pay() { cache.Pay(w.ctx) }

func (w *payingWriter) WriteHeaderNow() {
	w.pay()
	w.ResponseWriter.WriteHeaderNow()
}

func (w *payingWriter) Write(b []byte) (int, error) {
	w.pay()
	return w.ResponseWriter.Write(b)
}

func (w *payingWriter) WriteString(s string) (int, error) {
	w.pay()
	return w.ResponseWriter.WriteString(s)
}

func (w *payingWriter) Flush() {
	w.pay()
	w.ResponseWriter.Flush()
}

// Unwrap lets http.ResponseController reach the connection (the long
// deadlines of exports and imports).
func (w *payingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *payingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.pay()
	return w.ResponseWriter.Hijack()
}

// validRequestID accepts 1-128 printable ASCII characters without spaces,
// so a client's id cannot smuggle anything into logs or headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// routeUnmatched stands for every path no route matched, in logs and
// metrics.
const routeUnmatched = "unmatched"

// routeOf is what logs and metrics name a request by: its route template
// (/api/v1/card-photos/:token), never the path or query, which can work as
// a credential (a signed photo link) and are unbounded; a constant for a
// path no route matched.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return routeUnmatched
}

// recoveryMiddleware turns a panic into the 500 envelope and logs the stack.
func recoveryMiddleware(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				log.ErrorContext(c.Request.Context(), "panic", "request_id", requestID(c),
					"route", routeOf(c), "panic", r, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					fail(c, service.E(service.KindInternal, "系统繁忙，请稍后再试"))
				} else {
					c.Abort()
				}
			}
		}()
		c.Next()
	}
}

// accessLogMiddleware writes one structured line per request. It logs the
// route template, never the path or the query, so no code, token or signed
// link reaches the log. The attributes are typed (LogAttrs), so a line
// costs no boxing of its values. A 5xx is logged once, here: at error
// level, with the error fail recorded.
func accessLogMiddleware(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		ctx := c.Request.Context()
		if !log.Enabled(ctx, slog.LevelInfo) {
			return
		}
		var buf [10]slog.Attr
		attrs := append(buf[:0],
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("client_ip", c.ClientIP()),
		)
		if uid, ok := c.Get(ctxUserID); ok {
			if id, isInt := uid.(int64); isInt {
				attrs = append(attrs, slog.Int64("user_id", id))
			} else {
				attrs = append(attrs, slog.Any("user_id", uid))
			}
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, slog.String("err", c.Errors.Last().Error()))
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		log.LogAttrs(ctx, level, "request", attrs...)
	}
}

// bodyLimitMiddleware refuses bodies over the limit: at once when the
// declared length says so, and while reading otherwise (the readers then
// fail with *http.MaxBytesError, which becomes 413). Routes named in
// perRoute (uploads, imports) have limits of their own.
func bodyLimitMiddleware(def int64, perRoute map[string]int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := def
		if l, found := perRoute[c.FullPath()]; found {
			limit = l
		}
		if c.Request.ContentLength > limit {
			fail(c, tooLarge())
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

func tooLarge() error {
	return service.E(service.KindTooLarge, "提交的内容太大")
}

// isTooLarge reports whether err came from a body over its limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
