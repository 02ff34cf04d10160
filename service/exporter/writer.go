package exporter

import (
	"bufio"
	"encoding/csv"
	"io"

	"github.com/unionhub/unionhub/service"
)

// rowWriter writes a file row by row; Close finishes it into the
// underlying writer.
type rowWriter interface {
	Write(cells []string) error
	Close() error
}

// maxSheetRows is Excel's limit, the header included.
const maxSheetRows = 1_048_576

var errTooManyRows = service.E(service.KindInvalid, "超过 Excel 的行数上限（1048575人），请选择 csv 格式或缩小导出范围")

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
