package exporter

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Workbook writes an .xlsx of several sheets straight into its output, one
// sheet after the other, with the cells of the roll exports: text cells,
// escaped against formulas, the header row frozen. Call Sheet to start
// each sheet, Write for its rows, Close once.
type Workbook struct {
	zw     *zip.Writer
	sheet  *xlsxWriter
	names  []string
	closed bool
}

// NewWorkbook starts a workbook written into out.
func NewWorkbook(out io.Writer) *Workbook { return &Workbook{zw: zip.NewWriter(out)} }

// Sheet ends the current sheet and starts one named name (at most 31
// characters, none of []:*?/\ — Excel's rules) with its header row.
func (b *Workbook) Sheet(name string, header []string) error {
	if err := b.endSheet(); err != nil {
		return err
	}
	b.names = append(b.names, name)
	sw, err := b.zw.Create("xl/worksheets/sheet" + strconv.Itoa(len(b.names)) + ".xml")
	if err != nil {
		return err
	}
	w := &xlsxWriter{w: bufio.NewWriterSize(sw, 16<<10)}
	if _, err := fmt.Fprintf(w.w, sheetHead, max(len(header), 1)); err != nil {
		return err
	}
	b.sheet = w
	return w.Write(header)
}

// Write adds a row to the current sheet.
func (b *Workbook) Write(cells []string) error {
	if b.sheet == nil {
		return fmt.Errorf("exporter: workbook row before its sheet")
	}
	return b.sheet.Write(cells)
}

func (b *Workbook) endSheet() error {
	if b.sheet == nil {
		return nil
	}
	w := b.sheet
	b.sheet = nil
	if _, err := w.w.WriteString(sheetTail); err != nil {
		return err
	}
	return w.w.Flush()
}

// Close ends the last sheet and writes the workbook's index parts.
func (b *Workbook) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if err := b.endSheet(); err != nil {
		return err
	}
	var types, sheets, rels strings.Builder
	for i, name := range b.names {
		n := strconv.Itoa(i + 1)
		types.WriteString(`<Override PartName="/xl/worksheets/sheet` + n + `.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
		sheets.WriteString(`<sheet name="` + escapeAttr(name) + `" sheetId="` + n + `" r:id="rId` + n + `"/>`)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet` + n + `.xml"/>`)
	}
	styleID := strconv.Itoa(len(b.names) + 1)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", strings.Replace(contentTypes,
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
			types.String(), 1)},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", strings.TrimSuffix(workbookHead, `<sheet name="`) + sheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() +
			`<Relationship Id="rId` + styleID + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`</Relationships>`},
		{"xl/styles.xml", styles},
	} {
		w, err := b.zw.Create(p.name)
		if err == nil {
			_, err = io.WriteString(w, p.body)
		}
		if err != nil {
			return err
		}
	}
	return b.zw.Close()
}
