package api_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/importer/xlsx/xlsxtest"
	"github.com/unionhub/unionhub/service/media/mediatest"
)

// issuePNG is the upload of issue 12, item 4: 155 KB declaring 10000×4000
// RGBA, which a full decode turns into 160 MB.
var issuePNG = sync.OnceValue(func() []byte { return mediatest.BombPNG(10_000, 4_000) })

// TestHostileUploads: images whose decode would exhaust a node's memory are
// refused from their header, 422 on field file with a Chinese message,
// never decoded and never a 5xx, however many arrive at once.
func TestHostileUploads(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, e *testEnv) {
		a := e.newApplicant("13844445556", idNumber("19890909", 62))
		tests := []struct {
			name string
			kind string
			data []byte
		}{
			{"10000x4000 RGBA png (issue 12)", "photo", issuePNG()},
			{"9000x2000 png, side too long", "id_card_front", mediatest.BombPNG(9_000, 2_000)},
			{"6000x4100 png, over 24 MP", "proof", mediatest.BombPNG(6_000, 4_100)},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.uploadRaw(a.Access, tc.kind, tc.data).expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "file" || r.Details[0].Message == "" {
					t.Fatalf("details %+v", r.Details)
				}
			})
		}
		t.Run("8 at once", func(t *testing.T) {
			var wg sync.WaitGroup
			replies := make([]reply, 8)
			for i := range replies {
				wg.Go(func() { replies[i] = e.uploadRaw(a.Access, "photo", issuePNG()) })
			}
			wg.Wait()
			for i, r := range replies {
				if r.Status != 422 || r.Code != 40001 || len(r.Details) != 1 || r.Details[0].Field != "file" {
					t.Errorf("upload %d: %d/%d %+v", i, r.Status, r.Code, r.Details)
				}
			}
		})
	})
}

// issueSheet is the sheet of issue 12, item 5: 151 KB holding one cell of
// 150 MB.
var issueSheet = sync.OnceValue(func() []byte { return xlsxtest.CellBomb(150 << 20) })

// TestHostileSheets: sheets past Excel's limits or the node's are accepted
// as uploads (they are small) and fail as a whole, saying why, without the
// node reading them into memory.
func TestHostileSheets(t *testing.T) {
	t.Parallel()
	header := `<row r="1"><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>身份证号码</t></is></c>` +
		`<c t="inlineStr"><is><t>手机号码</t></is></c></row>`
	long := strings.Repeat("工", 20_000)
	wideRow := `<row r="2">` + strings.Repeat(`<c t="inlineStr"><is><t>`+long+`</t></is></c>`, 40) + `</row>`
	book := func(parts ...xlsxtest.Part) []byte { return xlsxtest.Zip(append(xlsxtest.Workbook(), parts...)...) }
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name  string
			sheet []byte
			want  string // in the job's error
		}{
			{"one cell of 150 MB (issue 12)", issueSheet(), "32767"},
			{"a row of 40 cells of 20000 characters", book(xlsxtest.Sheet(header + wideRow)), "第2行"},
			{"a shared string over 32767 characters", book(xlsxtest.Sheet(header),
				xlsxtest.SharedStrings(`<si><t>`+strings.Repeat("a", 40_000)+`</t></si>`)), "32767"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, st := e.runImport(tr.staff1, tr.u1, tc.sheet)
				if st.Status != "failed" || !strings.Contains(st.Error, tc.want) || st.Imported != 0 {
					t.Fatalf("status %+v", st)
				}
			})
		}
	})
}
