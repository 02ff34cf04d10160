package importer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/importer"
)

func TestTemplate(t *testing.T) {
	b, err := importer.Template()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "会员信息" {
		t.Fatalf("sheets %v", sheets)
	}
	if visible, _ := f.GetSheetVisible(sheets[1]); visible {
		t.Error("the lists sheet is visible")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	for i, h := range importer.Headers {
		if strings.TrimSuffix(rows[0][i], "*") != h {
			t.Errorf("header %d = %q, want %q", i, rows[0][i], h)
		}
	}
	// The ID and phone columns are text ("@", number format 49), below the
	// example row too, so Excel keeps every digit typed there.
	for _, cell := range []string{"B2", "C2", "B500", "C500"} {
		id, err := f.GetCellStyle(sheets[0], cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("%s: style %+v, %v", cell, st, err)
		}
	}
	dvs, err := f.GetDataValidations(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"D": true, "E": true, "F": true, "G": true, "J": true, "K": true, "L": true}
	for _, dv := range dvs {
		col := dv.Sqref[:1]
		if !want[col] || dv.Type != "list" || !strings.HasPrefix(dv.Formula1, "选项!") {
			t.Errorf("validation %+v", dv)
		}
		delete(want, col)
	}
	if len(want) != 0 {
		t.Errorf("columns without a drop-down: %v", want)
	}
}
