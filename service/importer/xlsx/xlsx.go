// Package xlsx reads the first worksheet of an .xlsx workbook row by row,
// in memory bounded by Limits whatever the file declares. An .xlsx is a
// zip of XML parts, and a small upload can unpack to gigabytes: one cell of
// 150 MB, a row of 16 384 long cells, millions of shared strings, or a zip
// of a million entries. The reader streams the sheet through a guard that
// bounds every XML token, checks cells, rows and shared strings against
// Excel's own limits as it goes, and never writes anything to disk.
//
// Values are as the file holds them (excelize's RawCellValue): shared and
// inline strings resolved, numbers, dates and booleans as written.
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Excel's own limits.
const (
	// MaxCellChars is the most characters a cell holds.
	MaxCellChars = 32_767
	// MaxColumns is the most columns a sheet has (A to XFD).
	MaxColumns = 16_384
	// MaxRows is the most rows a sheet has.
	MaxRows = 1_048_576
)

// Limits bound what one workbook may cost.
type Limits struct {
	// RowBytes bounds the text of one row's cells together.
	RowBytes int
	// SharedStrings and SharedBytes bound the shared-string table, which is
	// held in memory while the sheet is read (about SharedBytes + 4 bytes a
	// string).
	SharedStrings int
	SharedBytes   int
	// Entries bounds the zip's entries (each costs memory to list).
	Entries int
	// Unzipped bounds the bytes unpacked from all the parts read, by their
	// declared sizes, which archive/zip holds them to while inflating.
	Unzipped int64
}

// DefaultLimits are room for any real roll, a long way under a node's
// memory: a row of 2 MiB is 60 cells of the longest text Excel holds; 1.5
// million shared strings are the names, ID numbers and phones of half a
// million people, more than a sheet for one union has.
var DefaultLimits = Limits{RowBytes: 2 << 20, SharedStrings: 1_500_000, SharedBytes: 32 << 20,
	Entries: 10_000, Unzipped: 1 << 30}

// tokenBytes bounds one XML token: a cell of MaxCellChars characters, each
// written as a character reference of up to 10 bytes, fits.
const tokenBytes = 512 << 10

// maxDepth bounds element nesting (a worksheet needs 6).
const maxDepth = 64

// LimitError is a workbook over one of the limits; Msg says which, in
// Chinese, for the admin who uploaded it.
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return "xlsx: " + e.Msg }

// Errors Open and Rows return besides *LimitError.
var (
	// ErrFormat means the file is not an .xlsx workbook, or is damaged.
	ErrFormat = errors.New("xlsx: not a workbook")
	// ErrNoSheet means the workbook has no worksheet.
	ErrNoSheet = errors.New("xlsx: no worksheet")
	// ErrTooManyRows means a row number beyond MaxRows.
	ErrTooManyRows = errors.New("xlsx: more rows than Excel allows")
)

// Book is an open workbook.
type Book struct {
	files    map[string]*zip.File
	lim      Limits
	unzipped int64
	sheet    string // the first worksheet's part
	sst      *sharedStrings
	// Date1904 reports that dates count from 1904 (old Mac Excel).
	Date1904 bool
}

// Open reads the workbook in data: its parts list, its first sheet's name
// and the shared strings. The sheet itself is read by Rows.
func Open(data []byte, lim Limits) (*Book, error) {
	// Every central-directory entry starts with this signature, so the
	// count bounds the entries archive/zip would list, before it lists them.
	if bytes.Count(data, []byte("PK\x01\x02")) > lim.Entries {
		return nil, &LimitError{fmt.Sprintf("文件中的部件超过%d个，不是正常的 Excel 文件", lim.Entries)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	b := &Book{files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	for _, f := range zr.File {
		b.files[f.Name] = f
	}
	if err := b.readWorkbook(); err != nil {
		return nil, err
	}
	return b, nil
}

// open opens a part through the XML guard, counting its declared size
// against the unzip limit.
func (b *Book) open(name string) (io.ReadCloser, error) {
	f := b.files[name]
	if f == nil {
		return nil, fmt.Errorf("%w: no part %s", ErrFormat, name)
	}
	size := int64(f.UncompressedSize64)
	if size < 0 || b.unzipped+size > b.lim.Unzipped || b.unzipped+size < 0 {
		return nil, &LimitError{fmt.Sprintf("文件解压后超过%dMB，无法导入，请分成几个文件", b.lim.Unzipped>>20)}
	}
	b.unzipped += size
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&guard{r: rc, max: tokenBytes}, rc}, nil
}

// readWorkbook finds the first sheet's part, the shared strings' part and
// the date system, and loads the shared strings.
func (b *Book) readWorkbook() error {
	var firstID string
	err := b.walk("xl/workbook.xml", func(d *decoder, se startElement) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			b.Date1904 = v == "1" || v == "true"
		case "sheet":
			if firstID == "" {
				if firstID = attr(se, "id"); firstID == "" {
					firstID = "-"
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if firstID == "" {
		return ErrNoSheet
	}
	sst := "xl/sharedStrings.xml"
	if _, ok := b.files["xl/_rels/workbook.xml.rels"]; ok {
		sst = ""
		err = b.walk("xl/_rels/workbook.xml.rels", func(d *decoder, se startElement) error {
			if se.Name.Local != "Relationship" {
				return nil
			}
			target := partName(attr(se, "Target"))
			switch {
			case attr(se, "Id") == firstID:
				b.sheet = target
			case strings.HasSuffix(attr(se, "Type"), "/sharedStrings"):
				sst = target
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if b.sheet == "" {
		b.sheet = "xl/worksheets/sheet1.xml"
	}
	if _, ok := b.files[b.sheet]; !ok {
		return ErrNoSheet
	}
	if _, ok := b.files[sst]; ok && sst != "" {
		s, err := b.readSharedStrings(sst)
		if err != nil {
			return err
		}
		b.sst = s
	}
	return nil
}

// partName resolves a relationship target of the workbook to a part name.
func partName(target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Clean("xl/" + target)
}

// walk calls fn with every start element of a part.
func (b *Book) walk(name string, fn func(*decoder, startElement) error) error {
	rc, err := b.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newDecoder(rc)
	for {
		tok, err := d.token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(startElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}
