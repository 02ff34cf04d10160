package exporter_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/exporter"
)

// TestWorkbookSheetsAndEscaping: a workbook of several sheets opens in
// Excel's reader with each sheet's rows, and cells a spreadsheet would run
// as formulas come back as text.
func TestWorkbookSheetsAndEscaping(t *testing.T) {
	var buf bytes.Buffer
	wb := exporter.NewWorkbook(&buf)
	sheets := []struct {
		name string
		rows [][]string
	}{
		{"账户", [][]string{{"用户ID", "手机号"}, {"1", "13800138000"}}},
		{"消息通知", [][]string{{"标题"}, {"=HYPERLINK(\"http://x\")"}, {"+1"}, {"-2"}, {"@SUM(A1)"}, {"普通"}}},
		{"空表", [][]string{{"时间"}}},
	}
	for _, s := range sheets {
		if err := wb.Sheet(s.name, s.rows[0]); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.rows[1:] {
			if err := wb.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 3 || got[0] != "账户" || got[2] != "空表" {
		t.Fatalf("sheets %v", got)
	}
	want := map[string][]string{
		"账户":   {"用户ID", "1"},
		"消息通知": {"标题", "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "普通"},
		"空表":   {"时间"},
	}
	for name, col := range want {
		rows, err := x.GetRows(name)
		if err != nil || len(rows) != len(col) {
			t.Fatalf("%s: %v %v", name, rows, err)
		}
		for i, v := range col {
			if rows[i][0] != v {
				t.Errorf("%s row %d: %q, want %q", name, i+1, rows[i][0], v)
			}
		}
		if f, _ := x.GetCellFormula(name, "A2"); f != "" {
			t.Errorf("%s A2 is a formula: %q", name, f)
		}
	}
}
