package api_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/unionhub/unionhub/service/importer/xlsx/xlsxtest"
)

// scanForMarker returns the files under dir that hold marker.
func scanForMarker(t *testing.T, dir string, marker []byte) []string {
	t.Helper()
	hits := []string{}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, marker) {
			hits = append(hits, path)
		}
		return nil
	})
	return hits
}

// watchedBody is a request body that, once the server has read into the
// padding field after the file (so it holds all of the file, wherever it
// put it), scans the temporary directory for the marker. Multipart parsing
// stops at the closing boundary, so the end of the body is never read.
type watchedBody struct {
	r      *bytes.Buffer
	once   sync.Once
	scan   func() []string
	leaked []string
}

// padding is the size of the field after the file.
const padding = 64 << 10

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.r.Len() < padding/2 {
		b.once.Do(func() { b.leaked = b.scan() })
	}
	return b.r.Read(p)
}

// TestNoPlaintextInTempDir: an upload and an import of a sheet over 1 MiB
// (where multipart parsing spilled to a temporary file) leave no byte of
// their personal data in the temporary directory, neither while the
// request is read nor after the import ran.
func TestNoPlaintextInTempDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir(), where Go and libraries spill
	var m [8]byte
	_, _ = rand.Read(m[:])
	marker := []byte("PII-MARKER-" + hex.EncodeToString(m[:]))
	filler := strings.Repeat(string(marker)+" ", 1<<20/len(marker)+1) // over 1 MiB as sent
	sheet := xlsxtest.ZipStored(append(xlsxtest.Workbook(), xlsxtest.Sheet(
		`<row r="1"><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>身份证号码</t></is></c>`+
			`<c t="inlineStr"><is><t>手机号码</t></is></c><c t="inlineStr"><is><t>备注</t></is></c></row>`+
			`<row r="2"><c t="inlineStr"><is><t>王芳</t></is></c><c t="inlineStr"><is><t>`+idNumber("19900101", 7)+
			`</t></is></c><c t="inlineStr"><is><t>13900000001</t></is></c><c t="inlineStr"><is><t>`+
			filler[:30_000]+`</t></is></c></row>`+strings.Repeat(`<row><c t="inlineStr"><is><t>`+filler[:30_000]+`</t></is></c></row>`, 40)))...)
	photo := append(jpegBytes(t), filler...) // bytes after the image's end are dropped, not refused
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		a := e.newApplicant("13844445557", idNumber("19890909", 63))
		tests := []struct {
			name, path, field, token string
			data                     []byte
			extra                    map[string]string
			status                   int
		}{
			{"upload", "/api/v1/uploads", "file", a.Access, photo, map[string]string{"kind": "photo"}, 201},
			{"import", "/api/v1/admin/imports", "file", tr.staff1.Access, sheet, map[string]string{"org_id": tr.u1}, 202},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var body bytes.Buffer
				w := multipart.NewWriter(&body)
				fw, _ := w.CreateFormFile(tc.field, "x")
				_, _ = fw.Write(tc.data)
				for k, v := range tc.extra {
					_ = w.WriteField(k, v)
				}
				_ = w.WriteField("padding", strings.Repeat("p", padding))
				_ = w.Close()
				wb := &watchedBody{r: &body, scan: func() []string { return scanForMarker(t, tmp, marker) }}
				req := httptest.NewRequest("POST", tc.path, wb)
				req.Header.Set("Content-Type", w.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+tc.token)
				rec := httptest.NewRecorder()
				e.router.ServeHTTP(rec, req)
				e.parse(rec).expect(t, tc.status, 0)
				if wb.leaked == nil {
					t.Fatal("the server did not read the body to the padding")
				}
				if len(wb.leaked) > 0 {
					t.Errorf("while the request was read, plaintext in %v", wb.leaked)
				}
				e.bg.drain()
				if hits := scanForMarker(t, tmp, marker); len(hits) > 0 {
					t.Errorf("afterwards, plaintext in %v", hits)
				}
			})
		}
	})
}
