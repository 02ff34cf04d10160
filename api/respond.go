package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service"
)

// envelope is every JSON reply (API.md §1).
type envelope struct {
	Code      int           `json:"code"`
	Message   string        `json:"message"`
	Data      any           `json:"data,omitempty"`
	Details   []fieldDetail `json:"details,omitempty"`
	RequestID string        `json:"request_id"`
}

// fieldDetail names one bad field of a validation error.
type fieldDetail struct {
	Field   string `json:"field" example:"id_number"`
	Message string `json:"message" example:"身份证号码校验位不正确"`
}

// ErrorResponse documents the error envelope in the OpenAPI.
type ErrorResponse struct {
	Code      int           `json:"code" example:"40001"`
	Message   string        `json:"message" example:"提交的信息有误，请按提示修改"`
	Details   []fieldDetail `json:"details,omitempty"`
	RequestID string        `json:"request_id" example:"3f2a9c1e8b7d4a60"`
}

// Envelope documents the success envelope in the OpenAPI; Data is the reply.
type Envelope[T any] struct {
	Code      int    `json:"code" example:"0"`
	Message   string `json:"message" example:"ok"`
	Data      T      `json:"data"`
	RequestID string `json:"request_id" example:"3f2a9c1e8b7d4a60"`
}

// Empty is the data of replies that carry nothing: {}.
type Empty struct{}

// ok writes a success envelope.
func ok(c *gin.Context, status int, data any) {
	writeJSON(c, status, envelope{Code: 0, Message: "ok", Data: data, RequestID: requestID(c)})
}

// writeJSON writes v as the JSON reply, with its Content-Length: without
// one, net/http sends a reply over 2 KB (a page of the review queue) in
// chunks, flushing in the middle of the handler and framing the body for
// every client to undo. The bytes are gin's c.JSON's (encoding/json).
func writeJSON(c *gin.Context, status int, v any) {
	if !bodyAllowed(status) {
		c.Status(status)
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		panic(err) // as c.JSON does: the recovery middleware answers 500
	}
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(status, "application/json; charset=utf-8", body)
}

// abortJSON writes v as writeJSON does and stops the handler chain.
func abortJSON(c *gin.Context, status int, v any) {
	c.Abort()
	writeJSON(c, status, v)
}

// bodyAllowed reports whether a reply of status may have a body.
func bodyAllowed(status int) bool {
	return status >= http.StatusOK && status != http.StatusNoContent && status != http.StatusNotModified
}

// failed writes the error envelope for err, when there is one, and says
// so: the handler returns.
func failed(c *gin.Context, err error) bool {
	if err == nil {
		return false
	}
	fail(c, err)
	return true
}

// errorMapping is the one table from domain error kinds to HTTP.
var errorMapping = map[service.Kind]struct {
	status int
	code   int
}{
	service.KindInternal:        {http.StatusInternalServerError, 50000},
	service.KindMalformed:       {http.StatusBadRequest, 40000},
	service.KindInvalid:         {http.StatusUnprocessableEntity, 40001},
	service.KindUnauthenticated: {http.StatusUnauthorized, 40100},
	service.KindTokenExpired:    {http.StatusUnauthorized, 40101},
	service.KindBadWeChatCode:   {http.StatusUnauthorized, 40102},
	service.KindForbidden:       {http.StatusForbidden, 40300},
	service.KindNotFound:        {http.StatusNotFound, 40400},
	service.KindConflict:        {http.StatusConflict, 40900},
	service.KindOnRoll:          {http.StatusConflict, 40901},
	service.KindOpenApplication: {http.StatusConflict, 40902},
	service.KindLimitReached:    {http.StatusConflict, 40903},
	service.KindTooLarge:        {http.StatusRequestEntityTooLarge, 41300},
	service.KindUnsupportedType: {http.StatusUnsupportedMediaType, 41500},
	service.KindRateLimited:     {http.StatusTooManyRequests, 42900},
	service.KindUpstream:        {http.StatusBadGateway, 50200},
	service.KindUnavailable:     {http.StatusServiceUnavailable, 50300},
}

// fail writes the error envelope for err and aborts the chain. A domain
// error shows its own message; anything else is logged once, here, and
// shown as an internal error with no internals.
func fail(c *gin.Context, err error) {
	var de *service.Error
	if !errors.As(err, &de) {
		de = &service.Error{Kind: service.KindInternal, Message: "系统繁忙，请稍后再试", Err: err}
	}
	m, found := errorMapping[de.Kind]
	if !found {
		m = errorMapping[service.KindInternal]
	}
	if (de.Kind == service.KindRateLimited || de.Kind == service.KindUnavailable) && de.RetryAfter > 0 {
		secs := int(de.RetryAfter.Seconds() + 0.999)
		c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	env := envelope{Code: m.code, Message: de.Message, RequestID: requestID(c)}
	for _, f := range de.Fields {
		env.Details = append(env.Details, fieldDetail{Field: f.Field, Message: f.Message})
	}
	// Logged once, by the access log: its line for a 5xx is at error level
	// with the request id and this error.
	c.Error(err) //nolint:errcheck // recorded for the access log
	abortJSON(c, m.status, env)
}

// loggerOf returns the router's logger (set by requestIDMiddleware).
func loggerOf(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// malformed is the 400 for bad JSON or bad query parameters.
func malformed(message string) error {
	return service.E(service.KindMalformed, message)
}
