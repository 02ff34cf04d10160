package service

import "github.com/unionhub/unionhub/model"

// Page is a list request's limit and cursor (keyset pagination), as every
// list method takes it; Cursor is where a page starts.
type (
	Page   = model.Page
	Cursor = model.Cursor
)

// DecodeCursor reads a list's ?cursor= (an opaque string from a previous
// page's next_cursor); "" is the first page (nil).
func DecodeCursor(s string) (*Cursor, error) { return model.DecodeCursor(s) }
