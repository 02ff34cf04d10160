// Package jobfile keeps the files of background jobs: an import's uploaded
// sheet and an export's output. A file is sealed (pii.EncryptBytes) in
// parts of PartSize bytes, each its own blob, so neither writing nor
// reading one ever holds more than a part in memory, and each part is
// bound to its file and position (a part moved or swapped in the store
// fails to open). A file expires: Cleanup deletes it then.
package jobfile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/pii"
)

// PartSize is the plaintext size of every part but the last.
const PartSize = 4 << 20

// Store writes, reads and expires job files.
type Store struct {
	files  *model.JobFileStore
	blobs  blob.Store
	cipher *pii.Cipher
	now    func() time.Time
	log    *slog.Logger
}

// New returns the Store; nil now means time.Now, nil log the default.
func New(db *gorm.DB, blobs blob.Store, cipher *pii.Cipher, now func() time.Time, log *slog.Logger) *Store {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Store{files: model.NewJobFileStore(db), blobs: blobs, cipher: cipher, now: now, log: log}
}

// Meta describes a file being recorded for its job.
type Meta struct {
	JobID       int64
	Kind        string // model.JobFileImportSheet or model.JobFileExportOutput
	OwnerID     int64
	OrgID       int64
	Filename    string
	ContentType string
	TTL         time.Duration // the file is deleted this long after Record
}

// Record makes what w wrote (and closed) the file of meta.JobID, in the
// transaction ctx carries.
func (s *Store) Record(ctx context.Context, w *Writer, meta Meta) (*model.JobFile, error) {
	if !w.closed || w.err != nil {
		return nil, errors.New("jobfile: record of a writer that is not cleanly closed")
	}
	now := s.now().UTC()
	f := &model.JobFile{JobID: meta.JobID, Kind: meta.Kind, OwnerID: meta.OwnerID, OrgID: meta.OrgID,
		StoragePrefix: w.prefix, Parts: w.parts, Size: w.size, Filename: meta.Filename,
		ContentType: meta.ContentType, CreatedAt: now, ExpiresAt: now.Add(meta.TTL)}
	return f, s.files.Create(ctx, f)
}

// Get returns the live file of job id, or model.ErrNotFound (none, or
// deleted).
func (s *Store) Get(ctx context.Context, jobID int64) (*model.JobFile, error) {
	return s.files.Get(ctx, jobID)
}

// Delete removes the parts of job id's file and marks it deleted; a file
// already gone is no error.
func (s *Store) Delete(ctx context.Context, jobID int64) error {
	f, err := s.files.Get(ctx, jobID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.remove(ctx, f)
}

func (s *Store) remove(ctx context.Context, f *model.JobFile) error {
	if err := deleteParts(ctx, s.blobs, f.StoragePrefix, f.Parts); err != nil {
		return err
	}
	return s.files.MarkDeleted(ctx, f.JobID, s.now().UTC())
}

// Cleanup deletes every file that has expired and returns how many; it is
// the periodic task of the jobs Runner.
func (s *Store) Cleanup(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.files.Expired(ctx, s.now().UTC(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for i := range due {
			if err := s.remove(ctx, &due[i]); err != nil {
				return n, fmt.Errorf("delete file of job %d: %w", due[i].JobID, err)
			}
			n++
		}
	}
}

func partKey(prefix string, i int) string { return fmt.Sprintf("%s/%d", prefix, i) }

func deleteParts(ctx context.Context, blobs blob.Store, prefix string, parts int) error {
	for i := range parts {
		if err := blobs.Delete(ctx, partKey(prefix, i)); err != nil {
			return err
		}
	}
	return nil
}

// partHeader binds a part's plaintext to its file and position.
func partHeader(prefix string, i int) []byte { return fmt.Appendf(nil, "%s#%d\n", prefix, i) }

// Discard deletes the parts under prefix of a file that was never
// recorded (an attempt that died while writing it), part after part until
// one is missing.
func (s *Store) Discard(ctx context.Context, prefix string) error {
	for i := 0; ; i++ {
		_, err := s.blobs.Get(ctx, partKey(prefix, i))
		if errors.Is(err, blob.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.blobs.Delete(ctx, partKey(prefix, i)); err != nil {
			return err
		}
	}
}
