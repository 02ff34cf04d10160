package api

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/service"
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

// pathID reads the :id path parameter as a 64-bit ID. A malformed id
// cannot name anything, so it answers 404 like an unknown one and returns
// false: the handler returns.
func pathID(c *gin.Context) (int64, bool) { return pathIDOr(c, service.ErrNotFound) }

// pathIDOr is pathID answering a malformed id with notFound.
func pathIDOr(c *gin.Context, notFound error) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		fail(c, notFound)
		return 0, false
	}
	return id, true
}

// idString renders an ID as the JSON string the contract requires.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
