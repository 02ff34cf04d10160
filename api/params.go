package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/service"
)

// ID is an object id in JSON: a string per the contract; a plain number is
// accepted too, since some clients send one.
type ID int64

// UnmarshalJSON reads "123" or 123; null leaves 0.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			return nil
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 {
		return errors.New("not an id")
	}
	*id = ID(n)
	return nil
}

// listResponse is every list reply: items and the cursor of the next page
// (null on the last).
type listResponse[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// pageParams reads ?limit= (default 20; over 100 is read as 100) and
// ?cursor=; a malformed one is 400.
func pageParams(c *gin.Context) (service.Page, error) {
	p := service.Page{Limit: defaultLimit}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return p, malformed("参数 limit 应为1到100之间的整数")
		}
		p.Limit = min(n, maxLimit)
	}
	cur, err := service.DecodeCursor(c.Query("cursor"))
	if err != nil {
		return p, malformed("参数 cursor 无效，请从第一页重新加载")
	}
	p.Cursor = cur
	return p, nil
}

// queryID reads an optional id query parameter (0 when absent).
func queryID(c *gin.Context, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, malformed("参数 " + name + " 无效")
	}
	return id, nil
}

func items[T, R any](rows []T, conv func(T) R) []R {
	out := make([]R, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out
}

// listQuery reads an admin list's page and optional org_id; the service
// checks the org against the scope of its own action.
func listQuery(c *gin.Context) (service.Page, int64, error) {
	p, err := pageParams(c)
	if err != nil {
		return p, 0, err
	}
	orgID, err := queryID(c, "org_id")
	return p, orgID, err
}

// adminListParams reads the page and the optional org_id of an admin list;
// an org_id outside the caller's scope is 404 like an unknown one. On
// error it has already answered, and ok is false.
func (s *Server) adminListParams(c *gin.Context) (p service.Page, orgID int64, ok bool) {
	p, orgID, err := listQuery(c)
	if err == nil && orgID != 0 {
		_, err = s.orgs.Get(c.Request.Context(), scope(c), orgID)
	}
	if err != nil {
		fail(c, err)
		return p, 0, false
	}
	return p, orgID, true
}
