package model

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Cursor marks a position in a list ordered by (created_at, id), newest
// first. It travels to clients as an opaque string.
type Cursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

// ErrBadCursor means a cursor string did not come from Encode.
var ErrBadCursor = errors.New("model: bad cursor")

// Encode renders c as an opaque URL-safe string.
func (c Cursor) Encode() string {
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// DecodeCursor parses an opaque cursor; "" is the first page (nil).
func DecodeCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	var c Cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.ID <= 0 {
		return nil, ErrBadCursor
	}
	return &c, nil
}

// Page is one page request: after Cursor (nil: from the start), Limit rows.
type Page struct {
	Cursor *Cursor
	Limit  int
}

// Keyset orders by created_at and id, newest first, continues after the
// page's cursor and fetches one row more than the limit, so the caller can
// tell whether another page follows. table qualifies the columns in joins.
func Keyset(p Page, table string) func(*gorm.DB) *gorm.DB {
	col := func(c string) string {
		if table == "" {
			return c
		}
		return table + "." + c
	}
	return func(db *gorm.DB) *gorm.DB {
		if p.Cursor != nil {
			at := p.Cursor.At.UTC()
			db = db.Where("("+col("created_at")+" < ? OR ("+col("created_at")+" = ? AND "+col("id")+" < ?))", at, at, p.Cursor.ID)
		}
		return db.Order(col("created_at") + " DESC").Order(col("id") + " DESC").Limit(p.Limit + 1)
	}
}

// NextCursor trims rows to the page's limit and returns the cursor of the
// next page, or nil on the last one. key gives a row's position.
func NextCursor[T any](rows []T, p Page, key func(T) Cursor) ([]T, *string) {
	if len(rows) <= p.Limit {
		return rows, nil
	}
	rows = rows[:p.Limit]
	next := key(rows[len(rows)-1]).Encode()
	return rows, &next
}
