package importer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/importer"
)

// TestImportKeepsListedErrorsOnly: a sheet with more bad rows than Status
// lists keeps the first MaxListedErrors of them, in sheet order, and
// counts all; the good rows are imported.
func TestImportKeepsListedErrorsOnly(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db, nil, 300)
		ctx := context.Background()
		const bad = importer.MaxListedErrors + 25
		birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		data := sheet(t, func(yield func([]any) bool) {
			if !yield([]any{"姓名", "身份证号码", "手机号码"}) {
				return
			}
			for i := range bad + 3 {
				id := "42011119900101000X" // wrong check digit
				if i == 0 || i == 500 || i == 999 {
					id = idNumber(birth, i) // three good rows among them
				}
				if !yield([]any{"张三", id, fmt.Sprintf("139%08d", i)}) {
					return
				}
			}
		})
		id, sc := f.importNow(t, data)
		st, err := f.svc.Status(ctx, sc, id)
		if err != nil {
			t.Fatal(err)
		}
		var kept int64
		if err := db.Model(&model.ImportError{}).Where("job_id = ?", id).Count(&kept).Error; err != nil {
			t.Fatal(err)
		}
		if st.Status != model.JobDone || st.Imported != 3 || st.Failed != bad || st.ErrorsTotal != bad ||
			len(st.Errors) != importer.MaxListedErrors || kept != importer.MaxListedErrors {
			t.Fatalf("status %s imported %d failed %d errors %d listed %d kept %d; want %d bad rows, %d kept",
				st.Status, st.Imported, st.Failed, st.ErrorsTotal, len(st.Errors), kept, bad, importer.MaxListedErrors)
		}
		for i := 1; i < len(st.Errors); i++ {
			if st.Errors[i].Row <= st.Errors[i-1].Row {
				t.Fatalf("errors out of sheet order at %d: rows %d, %d", i, st.Errors[i-1].Row, st.Errors[i].Row)
			}
		}
	})
}
