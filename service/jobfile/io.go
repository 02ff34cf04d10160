package jobfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/pii"
)

// Writer seals what is written to it into parts. Close writes the last
// part; Abort deletes what was written. A Writer is used by one goroutine.
type Writer struct {
	s      *Store
	ctx    context.Context
	prefix string
	buf    []byte
	parts  int
	size   int64
	closed bool
	err    error
}

// NewWriter starts a new file under a fresh random prefix.
func (s *Store) NewWriter(ctx context.Context) *Writer {
	return &Writer{s: s, ctx: ctx, prefix: "jobs/" + blob.NewKey(), buf: make([]byte, 0, PartSize)}
}

// Prefix returns the storage prefix of the file's parts.
func (w *Writer) Prefix() string { return w.prefix }

// Size returns the bytes written so far.
func (w *Writer) Size() int64 { return w.size }

// Write buffers p, sealing and storing every full part.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, errors.New("jobfile: write after close")
	}
	n := 0
	for len(p) > 0 {
		k := min(len(p), PartSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
		w.size += int64(k)
		if len(w.buf) == PartSize {
			if err := w.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// Close stores the last part (an empty file has one empty part).
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err == nil && (len(w.buf) > 0 || w.parts == 0) {
		w.err = w.flush()
	}
	return w.err
}

// Abort deletes the parts stored so far (best effort: it is used on the
// way out of a failure).
func (w *Writer) Abort() {
	w.closed = true
	if w.err == nil {
		w.err = errors.New("jobfile: aborted")
	}
	if err := deleteParts(context.WithoutCancel(w.ctx), w.s.blobs, w.prefix, w.parts); err != nil {
		w.s.log.WarnContext(w.ctx, "delete parts of an aborted job file", "err", err)
	}
}

func (w *Writer) flush() error {
	plain := append(partHeader(w.prefix, w.parts), w.buf...)
	sealed, err := w.s.cipher.EncryptBytes(pii.JobFilePart.Key(partKey(w.prefix, w.parts)), plain)
	if err == nil {
		err = w.s.blobs.Put(w.ctx, partKey(w.prefix, w.parts), sealed)
	}
	if err != nil {
		w.err = fmt.Errorf("jobfile: store part %d: %w", w.parts, err)
		return w.err
	}
	w.parts++
	w.buf = w.buf[:0]
	return nil
}

// Reader streams a file's plaintext, one part in memory at a time.
type Reader struct {
	s    *Store
	ctx  context.Context
	f    *model.JobFile
	next int
	cur  []byte
}

// Open returns a Reader of f.
func (s *Store) Open(ctx context.Context, f *model.JobFile) *Reader {
	return &Reader{s: s, ctx: ctx, f: f}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.next >= r.f.Parts {
			return 0, io.EOF
		}
		if err := r.load(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *Reader) load() error {
	sealed, err := r.s.blobs.Get(r.ctx, partKey(r.f.StoragePrefix, r.next))
	if err != nil {
		return fmt.Errorf("jobfile: read part %d of job %d: %w", r.next, r.f.JobID, err)
	}
	plain, err := r.s.cipher.DecryptBytes(pii.JobFilePart.Key(partKey(r.f.StoragePrefix, r.next)), sealed)
	if err != nil {
		return fmt.Errorf("jobfile: open part %d of job %d: %w", r.next, r.f.JobID, err)
	}
	head := partHeader(r.f.StoragePrefix, r.next)
	if !bytes.HasPrefix(plain, head) {
		return fmt.Errorf("jobfile: part %d of job %d belongs to another file", r.next, r.f.JobID)
	}
	r.cur = plain[len(head):]
	r.next++
	return nil
}
