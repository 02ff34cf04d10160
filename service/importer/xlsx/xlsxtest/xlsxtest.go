// Package xlsxtest writes raw .xlsx workbooks for tests, hostile ones
// included: the parts are written as given, so a test can put into a
// sheet what no spreadsheet program would.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"strings"
)

// Part is one zip entry: its name and a function writing its content.
type Part struct {
	Name  string
	Write func(w io.Writer) error
}

// Text is a Part with fixed content.
func Text(name, content string) Part {
	return Part{name, func(w io.Writer) error { _, err := io.WriteString(w, content); return err }}
}

// Workbook returns the parts a workbook needs around its sheet
// (xl/worksheets/sheet1.xml) and shared strings (xl/sharedStrings.xml,
// which the caller adds when it wants them).
func Workbook() []Part {
	return []Part{
		Text("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
			`<Default Extension="xml" ContentType="application/xml"/>`+
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`+
			`</Types>`),
		Text("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>`+
			`</Relationships>`),
		Text("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		Text("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`+
			`</Relationships>`),
	}
}

// SheetHead and SheetTail surround a worksheet's rows.
const (
	SheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	SheetTail = `</sheetData></worksheet>`
)

// Sheet is the worksheet part holding rows (the XML of <row> elements).
func Sheet(rows string) Part { return Text("xl/worksheets/sheet1.xml", SheetHead+rows+SheetTail) }

// SharedStrings is the shared-strings part holding items (<si> elements).
func SharedStrings(items string) Part {
	return Text("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+items+`</sst>`)
}

// Zip writes the parts into an .xlsx, deflated as hard as flate can.
func Zip(parts ...Part) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, p := range parts {
		w, err := zw.Create(p.Name)
		if err == nil {
			err = p.Write(w)
		}
		if err != nil {
			panic(err) // writing to memory
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// CellBomb is the sheet of issue 12, item 5: the import template's three
// required columns, then one row whose name cell holds n characters
// (150 MB in about 150 KB of file), written a chunk at a time so that
// making it costs no memory.
func CellBomb(n int) []byte {
	sheet := Part{"xl/worksheets/sheet1.xml", func(w io.Writer) error {
		_, err := io.WriteString(w, SheetHead+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号码</t></is></c>`+
			`<c r="C1" t="inlineStr"><is><t>手机号码</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`)
		chunk := strings.Repeat("A", 64<<10)
		for left := n; left > 0 && err == nil; left -= len(chunk) {
			_, err = io.WriteString(w, chunk[:min(left, len(chunk))])
		}
		if err == nil {
			_, err = io.WriteString(w, `</t></is></c></row>`+SheetTail)
		}
		return err
	}}
	return Zip(append(Workbook(), sheet)...)
}

// ZipStored writes the parts into an .xlsx without compression, so that
// their text shows in the file's bytes as it does in the parts.
func ZipStored(parts ...Part) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Store})
		if err == nil {
			err = p.Write(w)
		}
		if err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}
