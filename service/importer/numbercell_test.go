package importer_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestIDNumberInNumberCell: an ID number typed into a number cell is
// reported as such, naming the column and the text format, whatever its
// digits say (issue 16: an integer cell was reported as a bad check digit,
// and one whose lost digits happened to check would have been imported).
func TestIDNumberInNumberCell(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db, nil, 100)
		birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		good := func(seq int) string { // a valid number with a digit check character
			for ; ; seq++ {
				if id := idNumber(birth, seq); !strings.HasSuffix(id, "X") {
					return id
				}
			}
		}
		asInt := func(id string) int64 { n, _ := strconv.ParseInt(id, 10, 64); return n }
		valid := good(7)
		badCheck := asInt(valid[:17] + string("0123456789"[(int(valid[17]-'0')+1)%10]))
		tests := []struct {
			name string
			id   any
			want string // the error's message starts so; "" imports the row
		}{
			{"text cell", good(1), ""},
			{"number as Excel writes it", 1.10105199001011e17, "身份证号码列须设置为文本格式"},
			{"integer cell, digits intact", asInt(good(3)), "身份证号码列须设置为文本格式"},
			{"integer cell, bad check digit", badCheck, "身份证号码列须设置为文本格式"},
			{"text cell, bad check digit", strconv.FormatInt(badCheck, 10), "身份证号码校验位"},
		}
		data := sheet(t, func(yield func([]any) bool) {
			if !yield([]any{"姓名", "手机号码", "身份证号码"}) {
				return
			}
			for i, tc := range tests {
				if !yield([]any{"张三", "1390000000" + strconv.Itoa(i), tc.id}) {
					return
				}
			}
		})
		id, sc := f.importNow(t, data)
		st, err := f.svc.Status(context.Background(), sc, id)
		if err != nil {
			t.Fatal(err)
		}
		byRow := map[int][]model.ImportError{}
		for _, e := range st.Errors {
			byRow[e.Row] = append(byRow[e.Row], e)
		}
		for i, tc := range tests {
			errs := byRow[i+2]
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("%s: %+v", tc.name, errs)
			case tc.want != "" && (len(errs) != 1 || errs[0].Field != "身份证号码" || !strings.HasPrefix(errs[0].Message, tc.want)):
				t.Errorf("%s: errors %+v, want one on 身份证号码 starting %q", tc.name, errs, tc.want)
			}
		}
		if st.Imported != 1 {
			t.Errorf("imported %d rows, want 1", st.Imported)
		}
	})
}
