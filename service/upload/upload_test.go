package upload_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/upload"
)

// clock is the injected clock: tests move it instead of sleeping.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.at = c.at.Add(d) }

// newService builds the service under test on db with a local blob store.
func newService(t *testing.T, db *gorm.DB) (*upload.Service, *clock) {
	t.Helper()
	cipher := piitest.Cipher(t)
	store, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{at: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	return upload.New(service.Env{Now: c.now}, upload.Deps{DB: db, Store: store, PII: cipher}), c
}

// consent records a consent of user to the notice version.
func consent(t *testing.T, db *gorm.DB, userID int64, version string, personal, sensitive bool) {
	t.Helper()
	c := &model.Consent{ID: model.NewID(), UserID: userID, Version: version, PersonalInfo: personal,
		SensitiveInfo: sensitive, ShareUpward: true, GivenAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if err := model.NewConsentStore(db).Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// pngOf returns a small PNG padded with a tEXt chunk (which the service
// strips) to exactly size bytes; size 0 means unpadded.
func pngOf(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if size == 0 {
		return b
	}
	pad := size - len(b) - 12
	if pad < 5 {
		t.Fatalf("size %d too small to pad", size)
	}
	data := append([]byte("Comment\x00"), bytes.Repeat([]byte{'x'}, pad-8)...)
	chunk := make([]byte, 0, 12+len(data))
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...) // after the signature and IHDR
	if len(out) != size {
		t.Fatalf("padded to %d bytes, want %d", len(out), size)
	}
	return out
}

// TestPut: the kinds of file, the consents each needs, and the size limit
// hit exactly at and one byte over it. An accepted file is stored
// stripped, readable by its owner, and due for deletion a day later.
func TestPut(t *testing.T) {
	current := privacy.Default().Version
	cases := []struct {
		name      string
		kind      string
		version   string // the consent's notice version; "" none given
		sensitive bool
		body      func(t *testing.T) []byte
		wantKind  service.Kind
		wantField string
	}{
		{name: "photo", kind: model.UploadPhoto, version: current},
		{name: "proof", kind: model.UploadProof, version: current},
		{name: "id card front", kind: model.UploadIDCardFront, version: current, sensitive: true},
		{name: "id card back", kind: model.UploadIDCardBack, version: current, sensitive: true},
		{name: "unknown kind", kind: "selfie", version: current, wantKind: service.KindInvalid, wantField: "kind"},
		{name: "empty kind", kind: "", version: current, wantKind: service.KindInvalid, wantField: "kind"},
		{name: "no consent", kind: model.UploadPhoto, wantKind: service.KindInvalid, wantField: "consent"},
		{name: "consent to an old notice", kind: model.UploadPhoto, version: "2000-01-01", wantKind: service.KindInvalid, wantField: "consent"},
		{name: "id card without sensitive consent", kind: model.UploadIDCardFront, version: current, wantKind: service.KindInvalid, wantField: "consent"},
		{name: "exactly the limit", kind: model.UploadPhoto, version: current,
			body: func(t *testing.T) []byte { return pngOf(t, upload.MaxSize) }},
		{name: "one byte over the limit", kind: model.UploadPhoto, version: current,
			body: func(t *testing.T) []byte { return pngOf(t, upload.MaxSize+1) }, wantKind: service.KindTooLarge},
		{name: "not an image", kind: model.UploadPhoto, version: current,
			body: func(*testing.T) []byte { return []byte("%PDF-1.4 not an image") }, wantKind: service.KindUnsupportedType},
		{name: "empty file", kind: model.UploadPhoto, version: current,
			body: func(*testing.T) []byte { return nil }, wantKind: service.KindUnsupportedType},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk := newService(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				owner := model.NewID()
				if tc.version != "" {
					consent(t, db, owner, tc.version, true, tc.sensitive)
				}
				body := pngOf(t, 0)
				if tc.body != nil {
					body = tc.body(t)
				}
				u, err := svc.Put(context.Background(), owner, tc.kind, bytes.NewReader(body))
				if tc.wantKind != 0 {
					if kind := service.KindOf(err); kind != tc.wantKind {
						t.Fatalf("err = %v (kind %d), want kind %d", err, kind, tc.wantKind)
					}
					var se *service.Error
					if tc.wantField != "" && (!errors.As(err, &se) || len(se.Fields) != 1 || se.Fields[0].Field != tc.wantField) {
						t.Errorf("err = %v, want one field error on %q", err, tc.wantField)
					}
					if live, cerr := model.NewUploadStore(db).CountLive(context.Background(), owner, clk.now()); cerr != nil || live != 0 {
						t.Errorf("refused upload left %d files (%v)", live, cerr)
					}
					return
				}
				if err != nil {
					t.Fatalf("Put: %v", err)
				}
				if u.OwnerID != owner || u.Kind != tc.kind || u.Size != int64(len(body)) || u.ContentType != "image/png" {
					t.Errorf("upload = owner %d kind %q size %d type %q, want %d %q %d image/png",
						u.OwnerID, u.Kind, u.Size, u.ContentType, owner, tc.kind, len(body))
				}
				if want := clk.now().Add(24 * time.Hour); u.DeleteAfter == nil || !u.DeleteAfter.Equal(want) {
					t.Errorf("DeleteAfter = %v, want %v", u.DeleteAfter, want)
				}
				got, data, err := svc.Open(context.Background(), owner, u.ID)
				if err != nil {
					t.Fatalf("Open by the owner: %v", err)
				}
				if got.ID != u.ID || !bytes.HasPrefix(data, []byte("\x89PNG")) {
					t.Errorf("Open = id %d, %d bytes, want id %d and a PNG", got.ID, len(data), u.ID)
				}
				if bytes.Contains(data, []byte("tEXt")) {
					t.Error("the stored file keeps its text chunk")
				}
			})
		}
	})
}

// TestOpen: a file is served to its owner only, and not after its
// delete_after has passed (the clock moved, no cleanup run) nor after
// Cleanup removed it.
func TestOpen(t *testing.T) {
	cases := []struct {
		name     string
		otherOne bool          // read by another user
		advance  time.Duration // the clock moved before the read
		cleanup  bool          // Cleanup ran before the read
		wantOK   bool
	}{
		{name: "owner", wantOK: true},
		{name: "owner just before delete_after", advance: 24*time.Hour - time.Second, wantOK: true},
		{name: "another user", otherOne: true},
		{name: "owner at delete_after", advance: 24 * time.Hour},
		{name: "owner after delete_after", advance: 25 * time.Hour},
		{name: "owner after cleanup", advance: 25 * time.Hour, cleanup: true},
		{name: "cleanup before due keeps it", cleanup: true, wantOK: true},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				svc, clk := newService(t, db)
				owner := model.NewID()
				consent(t, db, owner, privacy.Default().Version, true, true)
				u, err := svc.Put(context.Background(), owner, model.UploadPhoto, bytes.NewReader(pngOf(t, 0)))
				if err != nil {
					t.Fatal(err)
				}
				clk.advance(tc.advance)
				if tc.cleanup {
					if _, err := svc.Cleanup(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				reader := owner
				if tc.otherOne {
					reader = model.NewID()
				}
				_, _, err = svc.Open(context.Background(), reader, u.ID)
				if tc.wantOK {
					if err != nil {
						t.Errorf("Open: %v", err)
					}
					return
				}
				if kind := service.KindOf(err); kind != service.KindNotFound {
					t.Errorf("Open err = %v, want not found", err)
				} else if !strings.Contains(err.Error(), "没有找到") {
					t.Errorf("message = %q", err.Error())
				}
			})
		}
	})
}
