package jobfile_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/pii/piitest"
)

type env struct {
	store *jobfile.Store
	blobs blob.Store
	now   time.Time
}

func newEnv(t *testing.T, db *gorm.DB) *env {
	t.Helper()
	cipher := piitest.Cipher(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{blobs: blobs, now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	e.store = jobfile.New(db, blobs, cipher, func() time.Time { return e.now }, nil)
	return e
}

// write stores data as the file of job id in writes of odd sizes.
func (e *env) write(t *testing.T, id int64, data []byte) *jobfile.Writer {
	t.Helper()
	w := e.store.NewWriter(context.Background())
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1_000_003)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Record(context.Background(), w, jobfile.Meta{JobID: id, Kind: model.JobFileExportOutput,
		OwnerID: 1, OrgID: 2, Filename: "a.csv", ContentType: "text/csv", TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRoundTripAcrossParts(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for _, size := range []int{0, 1, jobfile.PartSize, 2*jobfile.PartSize + 12345} {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(i * 7)
			}
			id := model.NewID()
			e.write(t, id, data)
			f, err := e.store.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if f.Size != int64(size) || f.Parts != max(1, (size+jobfile.PartSize-1)/jobfile.PartSize) {
				t.Fatalf("size %d: file %+v", size, f)
			}
			got, err := io.ReadAll(e.store.Open(ctx, f))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("size %d: read %d bytes, %v", size, len(got), err)
			}
			// The parts are sealed: the store never holds the plaintext.
			raw, err := e.blobs.Get(ctx, f.StoragePrefix+"/0")
			if err != nil || (size > 16 && bytes.Contains(raw, data[:16])) {
				t.Fatalf("part 0 in the clear or missing: %v", err)
			}
		}
	})
}

func TestPartsAreBoundToTheirPlace(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a, b := model.NewID(), model.NewID()
		e.write(t, a, bytes.Repeat([]byte("a"), jobfile.PartSize+10))
		e.write(t, b, bytes.Repeat([]byte("b"), 10))
		fa, _ := e.store.Get(ctx, a)
		fb, _ := e.store.Get(ctx, b)
		// Swap a's first part for b's, and a's two parts with each other.
		pb, _ := e.blobs.Get(ctx, fb.StoragePrefix+"/0")
		pa1, _ := e.blobs.Get(ctx, fa.StoragePrefix+"/1")
		if err := e.blobs.Put(ctx, fa.StoragePrefix+"/0", pb); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(e.store.Open(ctx, fa)); err == nil {
			t.Fatal("another file's part was read")
		}
		if err := e.blobs.Put(ctx, fa.StoragePrefix+"/0", pa1); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(e.store.Open(ctx, fa)); err == nil {
			t.Fatal("a part out of place was read")
		}
	})
}

func TestCleanupDeletesExpiredFiles(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		old, fresh := model.NewID(), model.NewID()
		e.write(t, old, []byte("old"))
		e.now = e.now.Add(30 * time.Minute)
		e.write(t, fresh, []byte("fresh"))
		fo, _ := e.store.Get(ctx, old)
		e.now = e.now.Add(31 * time.Minute) // old expired, fresh not yet
		if n, err := e.store.Cleanup(ctx); err != nil || n != 1 {
			t.Fatalf("cleanup: %d, %v", n, err)
		}
		if _, err := e.store.Get(ctx, old); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the expired file is still there: %v", err)
		}
		if _, err := e.blobs.Get(ctx, fo.StoragePrefix+"/0"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("its part is still stored: %v", err)
		}
		if _, err := e.store.Get(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		// An attempt that died mid-file leaves parts that Discard removes.
		w := e.store.NewWriter(ctx)
		if _, err := w.Write(make([]byte, jobfile.PartSize+1)); err != nil {
			t.Fatal(err)
		}
		if err := e.store.Discard(ctx, w.Prefix()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.blobs.Get(ctx, w.Prefix()+"/0"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("discarded part still stored: %v", err)
		}
	})
}
