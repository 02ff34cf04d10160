// Package logbuf is the log's writer: lines collect in memory and reach
// the underlying writer (stderr) a batch at a time, every interval or when
// the buffer fills, instead of one write(2) per line, so that a request's
// access-log line costs a copy, not a system call. Nothing is dropped: a
// full buffer is written before the line that does not fit (the writer
// waits), and Close writes what is left and lets later lines through
// unbuffered. The process must Close it before it exits.
package logbuf

import (
	"io"
	"sync"
	"time"
)

// Defaults of New.
const (
	DefaultSize     = 64 << 10
	DefaultInterval = 100 * time.Millisecond
)

// Writer buffers whole writes (a slog handler writes one record per call)
// and flushes them in order.
type Writer struct {
	out      io.Writer
	size     int
	mu       sync.Mutex // buf, closed
	buf      []byte
	closed   bool
	flushMu  sync.Mutex // one write to out at a time, in order
	spare    []byte     // the buffer being written; under flushMu
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// New returns a Writer onto out that flushes every interval (DefaultInterval
// when ≤ 0) and whenever size bytes (DefaultSize when ≤ 0) are waiting.
func New(out io.Writer, size int, interval time.Duration) *Writer {
	if size <= 0 {
		size = DefaultSize
	}
	if interval <= 0 {
		interval = DefaultInterval
	}
	w := &Writer{out: out, size: size, buf: make([]byte, 0, size), spare: make([]byte, 0, size),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go w.loop(interval)
	return w
}

func (w *Writer) loop(interval time.Duration) {
	defer close(w.stopped)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			_ = w.Flush()
		}
	}
}

// Write keeps p for the next flush; it never splits p. A p larger than the
// buffer, or any p after Close, is written through at once (after what
// waits before it).
func (w *Writer) Write(p []byte) (int, error) {
	for {
		w.mu.Lock()
		if w.closed || len(p) > w.size {
			w.mu.Unlock()
			return w.writeThrough(p)
		}
		if len(w.buf)+len(p) <= w.size {
			w.buf = append(w.buf, p...)
			w.mu.Unlock()
			return len(p), nil
		}
		w.mu.Unlock()
		if err := w.Flush(); err != nil {
			return 0, err
		}
	}
}

// writeThrough writes what waits, then p, in that order.
func (w *Writer) writeThrough(p []byte) (int, error) {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	if err := w.flushLocked(); err != nil {
		return 0, err
	}
	return w.out.Write(p)
}

// Flush writes everything buffered so far to the underlying writer.
func (w *Writer) Flush() error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	return w.flushLocked()
}

// flushLocked swaps the buffers (so writers carry on into the empty one)
// and writes the full one; flushMu is held.
func (w *Writer) flushLocked() error {
	w.mu.Lock()
	w.buf, w.spare = w.spare[:0], w.buf
	w.mu.Unlock()
	if len(w.spare) == 0 {
		return nil
	}
	_, err := w.out.Write(w.spare)
	w.spare = w.spare[:0]
	return err
}

// Close stops the periodic flush and writes what is buffered; later
// writes go straight through. It is safe to call more than once.
func (w *Writer) Close() error {
	w.stopOnce.Do(func() {
		close(w.stop)
		<-w.stopped
	})
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return w.flushLocked()
}
