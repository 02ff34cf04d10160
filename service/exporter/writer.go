package exporter

import (
	"bufio"
	"encoding/csv"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service"
)

// rowWriter writes a file row by row; Close finishes it into the
// underlying writer.
type rowWriter interface {
	Write(cells []string) error
	Close() error
}

// maxSheetRows is Excel's limit, the header included.
const maxSheetRows = excelize.TotalRows

var errTooManyRows = service.E(service.KindInvalid, "超过 Excel 的行数上限（1048575人），请选择 csv 格式或缩小导出范围")

// xlsxWriter streams rows through excelize's StreamWriter, which spills to
// a temporary file past 16 MiB, every cell a text cell so that no digit of
// an ID number or a code's leading zero is lost when the file is edited.
type xlsxWriter struct {
	out  io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	text int
	row  int
	buf  []any
}

func newXLSX(out io.Writer, sheet string, header []string) (rowWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	w := &xlsxWriter{out: out, f: f, sw: sw, text: text, buf: make([]any, len(header))}
	return w, w.Write(header)
}

func (w *xlsxWriter) Write(cells []string) error {
	if w.row >= maxSheetRows {
		return errTooManyRows
	}
	w.row++
	for i, v := range cells {
		w.buf[i] = excelize.Cell{StyleID: w.text, Value: escape(v)}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, w.buf[:len(cells)])
}

func (w *xlsxWriter) Close() error {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return err
	}
	_, err := w.f.WriteTo(w.out)
	return err
}

// csvWriter writes RFC 4180 CSV in UTF-8 with a byte-order mark, which is
// what makes Excel read it as UTF-8 rather than the system's code page.
type csvWriter struct {
	buf *bufio.Writer
	w   *csv.Writer
}

// bom is the UTF-8 byte-order mark.
const bom = "\xEF\xBB\xBF"

func newCSV(out io.Writer, header []string) (rowWriter, error) {
	buf := bufio.NewWriterSize(out, 64<<10)
	if _, err := buf.WriteString(bom); err != nil {
		return nil, err
	}
	w := &csvWriter{buf: buf, w: csv.NewWriter(buf)}
	w.w.UseCRLF = true
	return w, w.Write(header)
}

func (w *csvWriter) Write(cells []string) error {
	row := make([]string, len(cells))
	for i, v := range cells {
		row[i] = escape(v)
	}
	return w.w.Write(row)
}

func (w *csvWriter) Close() error {
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return err
	}
	return w.buf.Flush()
}
