package pii

import (
	"errors"
	"strconv"
)

// Column names a place where sealed values are stored: a table's column, a
// kind of file, a cached field. With the id of one row it makes the Slot a
// value is bound to.
type Column string

// The columns that hold sealed values. A value sealed for one column and row
// opens only there: copied to another row or column it fails to decrypt.
const (
	UserPhone           Column = "users.phone_enc"
	ApplicationIDNumber Column = "applications.id_number_enc"
	ApplicationPhone    Column = "applications.phone_enc"
	MemberIDNumber      Column = "members.id_number_enc"
	MemberPhone         Column = "members.phone_enc"
	// UploadFile is an uploaded file, bound to its uploads row.
	UploadFile Column = "uploads.file"
	// JobFilePart is one stored part of a job's file, keyed by the file's
	// storage prefix and the part's number.
	JobFilePart Column = "job_files.part"
	// CardName is the member's full name in the cached card state, bound to
	// the member's id.
	CardName Column = "card_state.name"
	// RightsFields is the values a correction request asks for (JSON).
	RightsFields Column = "rights_requests.fields_enc"
)

// errNoSlot refuses a seal or open without a column and row: a value must
// always be bound to where it is stored.
var errNoSlot = errors.New("pii: no column or row to bind the value to")

// Slot is where one sealed value is stored: a column and a row. It is
// authenticated with the value (as GCM associated data), never stored.
type Slot struct {
	col Column
	row string
}

// Row returns the slot of the row with this id. An id ≤ 0 (a row whose id
// is not known yet) gives a slot that seals and opens nothing.
func (c Column) Row(id int64) Slot {
	if id <= 0 {
		return Slot{col: c}
	}
	return Slot{col: c, row: strconv.FormatInt(id, 10)}
}

// Key returns the slot of the row named by key, for stores keyed by text.
func (c Column) Key(key string) Slot { return Slot{col: c, row: key} }

// String returns "column:row", the associated data the value is bound to.
// Columns are constants without ':', so the first ':' ends the column.
func (s Slot) String() string { return string(s.col) + ":" + s.row }

func (s Slot) check() error {
	if s.col == "" || s.row == "" {
		return errNoSlot
	}
	return nil
}
