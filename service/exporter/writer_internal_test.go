package exporter

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/importer/xlsx"
)

// scanningWriter collects the file and, on every write, looks for the
// marker in the temporary directory: a writer that spilled rows to disk
// would have them there while it writes its output.
type scanningWriter struct {
	t      *testing.T
	dir    string
	marker []byte
	out    bytes.Buffer
	leaked []string
}

func (w *scanningWriter) Write(p []byte) (int, error) {
	_ = filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, w.marker) {
				w.leaked = append(w.leaked, path)
			}
		}
		return nil
	})
	return w.out.Write(p)
}

// TestLargeExportNeverTouchesDisk: an export of more than 16 MiB of sheet
// (where excelize's stream writer spilled to os.TempDir() in clear) goes
// straight into its output, and reads back as text cells.
func TestLargeExportNeverTouchesDisk(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var m [8]byte
	_, _ = rand.Read(m[:])
	marker := "PII-" + hex.EncodeToString(m[:])
	out := &scanningWriter{t: t, dir: tmp, marker: []byte(marker)}
	header := make([]string, 20)
	for i := range header {
		header[i] = "列" + columnName(i)
	}
	rw, err := newXLSX(out, "会员名册", header)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]string, 20)
	for i := range row {
		row[i] = marker + " 0" + strings.Repeat("1", 17) // a leading zero and 18 digits stay as typed
	}
	const rows = 15_000 // about 25 MiB of sheet XML
	for range rows {
		if err := rw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Write([]string{"=1+1", "<&>\"'", "a\x01b"}); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if len(out.leaked) > 0 {
		t.Fatalf("plaintext spilled to %v", out.leaked)
	}

	f, err := excelize.OpenReader(bytes.NewReader(out.out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "会员名册" {
		t.Fatalf("sheets %v", got)
	}
	for cell, want := range map[string]string{"A1": "列A", "T2": row[19], "A15002": "'=1+1", "B15002": "<&>\"'"} {
		if v, err := f.GetCellValue("会员名册", cell); err != nil || v != want {
			t.Errorf("%s = %q (%v), want %q", cell, v, err, want)
		}
	}
	style, err := f.GetCellStyle("会员名册", "C2")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(style); err != nil || st.NumFmt != 49 {
		t.Errorf("C2 is not a text cell: %+v %v", st, err)
	}
	book, err := xlsx.Open(out.out.Bytes(), xlsx.DefaultLimits) // the importer reads it too
	if err != nil {
		t.Fatal(err)
	}
	rs, err := book.Rows()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rs.Next() {
		n++
	}
	if rs.Err() != nil || n != rows+2 {
		t.Fatalf("importer read %d rows: %v", n, rs.Err())
	}
}
