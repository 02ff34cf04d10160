package api

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/gin-gonic/gin"
)

// readJSON decodes the request body into v. An empty body leaves v as it
// is (endpoints without a documented body accept one); unknown fields are
// ignored; malformed JSON is 400 and a body over the limit 413.
func readJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	err := dec.Decode(v)
	switch {
	case err == nil:
		// Anything but whitespace after the value is malformed.
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			if isTooLarge(err) {
				return tooLarge()
			}
			return malformed("请求内容不是有效的 JSON")
		}
		return nil
	case errors.Is(err, io.EOF):
		return nil
	case isTooLarge(err):
		return tooLarge()
	default:
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return malformed("字段 " + te.Field + " 的类型不正确")
		}
		return malformed("请求内容不是有效的 JSON")
	}
}

// parseID reads a path parameter as a 64-bit ID; a malformed id cannot
// name anything, so it is 404 like an unknown one.
func parseID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	return id, err == nil && id > 0
}

// idString renders an ID as the JSON string the contract requires.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
