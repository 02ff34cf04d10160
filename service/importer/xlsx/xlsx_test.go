package xlsx_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/importer/xlsx"
	"github.com/unionhub/unionhub/service/importer/xlsx/xlsxtest"
)

// readAll reads every row of data.
func readAll(data []byte, lim xlsx.Limits) (map[int][]string, error) {
	book, err := xlsx.Open(data, lim)
	if err != nil {
		return nil, err
	}
	rows, err := book.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]string{}
	for rows.Next() {
		out[rows.Row()] = rows.Cells()
	}
	return out, rows.Err()
}

// TestReadsAsExcelizeDoes: shared and inline strings, numbers, dates,
// booleans, gaps between cells and rows, escapes: the values excelize gives
// with RawCellValue, the reader this one replaced.
func TestReadsAsExcelizeDoes(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "姓名")
	set("C1", "身份证号码")
	set("A2", "王芳")
	set("B2", 13800138000)
	set("C2", "11010519491231002X")
	set("D2", true)
	set("E2", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	set("F2", 3.25)
	set("A5", "line_x000D_break & <tag>")
	set("XFD5", "last column")
	if err := f.SetCellRichText("Sheet1", "B5", []excelize.RichTextRun{{Text: "rich "}, {Text: "text"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(buf.Bytes(), xlsx.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range want {
		if len(row) == 0 {
			if _, ok := got[i+1]; ok && len(got[i+1]) > 0 {
				t.Errorf("row %d: got %q, want nothing", i+1, got[i+1])
			}
			continue
		}
		if fmt.Sprintf("%q", got[i+1]) != fmt.Sprintf("%q", row) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got[i+1], row)
		}
	}
}

// TestInlineStringsAndDate1904: what streaming writers produce.
func TestInlineStringsAndDate1904(t *testing.T) {
	parts := xlsxtest.Workbook()
	parts[2] = xlsxtest.Text("xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	data := xlsxtest.Zip(append(parts, xlsxtest.Sheet(`<row><c t="inlineStr"><is><r><t>王</t></r><r><t xml:space="preserve">芳 </t></r><rPh><t>おう</t></rPh></is></c>`+
		`<c t="str"><f>A1</f><v>王芳 </v></c><c><f>1+1</f></c><c t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>`))...)
	book, err := xlsx.Open(data, xlsx.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !book.Date1904 {
		t.Error("date1904 not read")
	}
	got, err := readAll(data, xlsx.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"王芳 ", "王芳 ", "", "a<b"}; fmt.Sprintf("%q", got[1]) != fmt.Sprintf("%q", want) {
		t.Fatalf("got %q, want %q", got[1], want)
	}
}

// TestHostileWorkbooks: every limit holds, with an error that says which.
func TestHostileWorkbooks(t *testing.T) {
	cjk := strings.Repeat("工", xlsx.MaxCellChars)
	book := func(extra ...xlsxtest.Part) []byte { return xlsxtest.Zip(append(xlsxtest.Workbook(), extra...)...) }
	inline := func(s string) string { return `<row><c t="inlineStr"><is><t>` + s + `</t></is></c></row>` }
	small := xlsx.DefaultLimits
	small.SharedStrings, small.SharedBytes, small.RowBytes, small.Unzipped = 3, 100, 100, 1<<20
	many := make([]xlsxtest.Part, 0, 20)
	for i := range 20 {
		many = append(many, xlsxtest.Text(fmt.Sprintf("junk/%d", i), ""))
	}
	tests := []struct {
		name string
		data []byte
		lim  xlsx.Limits
		want any // an error to match with errors.Is, or *xlsx.LimitError
	}{
		{"cell of 32767 CJK characters", book(xlsxtest.Sheet(inline(cjk))), xlsx.DefaultLimits, nil},
		{"cell over 32767 characters", book(xlsxtest.Sheet(inline(cjk + "工"))), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"number cell over 32767 characters", book(xlsxtest.Sheet(`<row><c><v>` + strings.Repeat("9", 40_000) + `</v></c></row>`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"text run over the token limit", book(xlsxtest.Sheet(`<row><c><v>1</v></c></row>` + strings.Repeat("x", 600<<10))), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"attribute over the token limit", book(xlsxtest.Sheet(`<row r="1" x="` + strings.Repeat("x", 600<<10) + `"/>`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"CDATA bomb", book(xlsxtest.Sheet(`<row><c t="inlineStr"><is><t><![CDATA[` + strings.Repeat("<>", 300<<10) + `]]></t></is></c></row>`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"comment bomb", book(xlsxtest.Sheet(`<!--` + strings.Repeat("<>", 300<<10) + `-->`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"rich-text runs over 32767 together", book(xlsxtest.Sheet(`<row><c t="inlineStr"><is>` + strings.Repeat(`<r><t>`+strings.Repeat("a", 30_000)+`</t></r>`, 5) + `</is></c></row>`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"shared string over 32767", book(xlsxtest.Sheet(""), xlsxtest.SharedStrings(`<si><t>`+cjk+`工</t></si>`)), xlsx.DefaultLimits, &xlsx.LimitError{}},
		{"too many shared strings", book(xlsxtest.Sheet(""), xlsxtest.SharedStrings(strings.Repeat(`<si><t>a</t></si>`, 4))), small, &xlsx.LimitError{}},
		{"shared strings too long together", book(xlsxtest.Sheet(""), xlsxtest.SharedStrings(strings.Repeat(`<si><t>`+strings.Repeat("a", 60)+`</t></si>`, 2))), small, &xlsx.LimitError{}},
		{"row too long", book(xlsxtest.Sheet(`<row>` + strings.Repeat(`<c><v>`+strings.Repeat("1", 30)+`</v></c>`, 4) + `</row>`)), small, &xlsx.LimitError{}},
		{"unzipped over the limit", book(xlsxtest.Sheet(strings.Repeat(`<row/>`, 200_000))), small, &xlsx.LimitError{}},
		{"too many zip entries", book(append(many, xlsxtest.Sheet(""))...), xlsx.Limits{Entries: 10, Unzipped: 1 << 20}, &xlsx.LimitError{}},
		{"nested too deep", book(xlsxtest.Sheet(`<row><c>` + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + `</c></row>`)), xlsx.DefaultLimits, xlsx.ErrFormat},
		{"column beyond XFD", book(xlsxtest.Sheet(`<row><c r="XFE1"><v>1</v></c></row>`)), xlsx.DefaultLimits, xlsx.ErrFormat},
		{"cells out of order", book(xlsxtest.Sheet(`<row><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>`)), xlsx.DefaultLimits, xlsx.ErrFormat},
		{"row beyond Excel's last", book(xlsxtest.Sheet(`<row r="1048577"><c><v>1</v></c></row>`)), xlsx.DefaultLimits, xlsx.ErrTooManyRows},
		{"shared string index out of range", book(xlsxtest.Sheet(`<row><c t="s"><v>7</v></c></row>`), xlsxtest.SharedStrings(`<si><t>a</t></si>`)), xlsx.DefaultLimits, xlsx.ErrFormat},
		{"not a zip", []byte("PK\x03\x04 not really"), xlsx.DefaultLimits, xlsx.ErrFormat},
		{"no workbook", xlsxtest.Zip(xlsxtest.Sheet("")), xlsx.DefaultLimits, xlsx.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(tt.data, tt.lim)
			switch want := tt.want.(type) {
			case nil:
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			case *xlsx.LimitError:
				var le *xlsx.LimitError
				if !errors.As(err, &le) || le.Msg == "" {
					t.Fatalf("err = %v, want a LimitError", err)
				}
			case error:
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want %v", err, want)
				}
			}
		})
	}
}

// TestCellBombCostsLittle: the sheet of issue 12 (one cell of 150 MB in a
// 151 KB file) is refused after reading a bounded part of its cell.
func TestCellBombCostsLittle(t *testing.T) {
	data := xlsxtest.CellBomb(150 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := readAll(data, xlsx.DefaultLimits)
	runtime.ReadMemStats(&after)
	var le *xlsx.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a LimitError", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("allocated %d MiB to refuse the bomb", n>>20)
	}
}
