package xlsx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Rows iterates over the rows of the first sheet that hold something, in
// order. Use it from one goroutine; Close it when done.
type Rows struct {
	b     *Book
	rc    io.ReadCloser
	d     *decoder
	row   int
	cells []string
	// numbers marks the current row's number cells (no type, or t="n"),
	// by column; it may be shorter than cells.
	numbers []bool
	err     error
	done    bool
	buf     []byte
}

// Rows opens the first sheet.
func (b *Book) Rows() (*Rows, error) {
	rc, err := b.open(b.sheet)
	if err != nil {
		return nil, err
	}
	return &Rows{b: b, rc: rc, d: newDecoder(rc)}, nil
}

// Close releases the sheet.
func (r *Rows) Close() error { return r.rc.Close() }

// Err returns the error that ended the iteration, if any: ErrFormat,
// ErrTooManyRows, or a *LimitError.
func (r *Rows) Err() error { return r.err }

// Row returns the current row's number (the first row is 1).
func (r *Rows) Row() int { return r.row }

// Cells returns the current row's values by column (A is 0), up to its
// last cell with a value; empty cells are "". The slice is the caller's.
func (r *Rows) Cells() []string { return r.cells }

// Number reports whether the current row's cell in column col (A is 0)
// is a number cell: Excel keeps 15 significant digits of a number, so a
// long code typed into one (an 18-digit ID number) has lost digits.
func (r *Rows) Number(col int) bool { return col >= 0 && col < len(r.numbers) && r.numbers[col] }

// Next moves to the next row in the sheet's data.
func (r *Rows) Next() bool {
	if r.done || r.err != nil {
		return false
	}
	for {
		tok, err := r.d.token()
		if errors.Is(err, io.EOF) {
			r.done = true
			return false
		}
		if err != nil {
			r.err = err
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				r.err = r.readRow(t)
				return r.err == nil
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				r.done = true
				return false
			}
		}
	}
}

// readRow reads one <row> element.
func (r *Rows) readRow(se xml.StartElement) error {
	n := r.row + 1
	if v := attr(se, "r"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= r.row {
			return fmt.Errorf("%w: row %q after row %d", ErrFormat, v, r.row)
		}
	}
	if n > MaxRows {
		return ErrTooManyRows
	}
	r.row, r.cells, r.numbers = n, nil, r.numbers[:0]
	rowBytes, col := 0, 0
	for {
		tok, err := r.d.token()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := r.skip(); err != nil {
					return err
				}
				continue
			}
			next, err := column(attr(t, "r"), col)
			if err != nil {
				return err
			}
			col = next
			v, formula, number, err := r.readCell(t)
			if err != nil {
				return err
			}
			if v == "" && !formula {
				continue
			}
			if rowBytes += len(v); rowBytes > r.b.lim.RowBytes {
				return &LimitError{fmt.Sprintf("第%d行的内容超过%dKB，无法导入", r.row, r.b.lim.RowBytes>>10)}
			}
			for len(r.cells) < col-1 {
				r.cells = append(r.cells, "")
			}
			r.cells = append(r.cells, v)
			if number {
				for len(r.numbers) < col-1 {
					r.numbers = append(r.numbers, false)
				}
				r.numbers = append(r.numbers, true)
			}
		case xml.EndElement: // </row>
			return nil
		}
	}
}

// readCell reads a <c> element: its value as the file holds it, whether
// it has a formula, and whether it is a number cell.
func (r *Rows) readCell(se xml.StartElement) (string, bool, bool, error) {
	typ := attr(se, "t")
	var (
		v, inline []byte
		hasInline bool
		formula   bool
		err       error
	)
	for {
		tok, terr := r.d.token()
		if terr != nil {
			return "", false, false, unexpectedEOF(terr)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				v, err = readValue(r.d, r.buf[:0])
				r.buf = v
			case "is":
				hasInline = true
				inline, err = readText(r.d, nil)
			case "f":
				formula = true
				err = r.skip()
			default:
				err = r.skip()
			}
			if err != nil {
				return "", false, false, err
			}
		case xml.EndElement: // </c>
			s, f, err := r.value(typ, v, inline, hasInline, formula)
			return s, f, (typ == "" || typ == "n") && len(v) > 0, err
		}
	}
}

// value resolves a cell's value by its type.
func (r *Rows) value(typ string, v, inline []byte, hasInline, formula bool) (string, bool, error) {
	var s string
	switch {
	case typ == "s":
		if len(v) == 0 {
			break
		}
		i, err := strconv.Atoi(string(v))
		var ok bool
		if err == nil && r.b.sst != nil {
			s, ok = r.b.sst.get(i)
		}
		if !ok {
			return "", false, fmt.Errorf("%w: row %d: shared string %q", ErrFormat, r.row, v)
		}
	case typ == "inlineStr" && hasInline:
		if err := checkCell(inline); err != nil {
			return "", false, err
		}
		s = unescape(string(inline))
	default:
		if err := checkCell(v); err != nil {
			return "", false, err
		}
		s = string(v)
	}
	return s, formula, nil
}

// skip reads past the element whose start tag was just read.
func (r *Rows) skip() error {
	for depth := 1; depth > 0; {
		tok, err := r.d.token()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// column returns the 1-based column of a cell: from its reference ("AB12")
// or, without one, the one after prev. Columns must increase along a row.
func column(ref string, prev int) (int, error) {
	if ref == "" {
		if prev >= MaxColumns {
			return 0, fmt.Errorf("%w: more than %d cells in a row", ErrFormat, MaxColumns)
		}
		return prev + 1, nil
	}
	col := 0
	for i := 0; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > MaxColumns {
			return 0, fmt.Errorf("%w: cell %q beyond column XFD", ErrFormat, ref)
		}
	}
	if col <= prev {
		return 0, fmt.Errorf("%w: cell %q out of order", ErrFormat, ref)
	}
	return col, nil
}

// unexpectedEOF turns the end of the part inside an element into ErrFormat.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the part ends inside an element", ErrFormat)
	}
	return err
}
