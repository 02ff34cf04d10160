package audit

import (
	"context"
	"fmt"
	"math"

	"github.com/unionhub/unionhub/model"
)

// Break is the first broken link of the chain.
type Break struct {
	Seq    int64  // the first position that is missing, altered or out of place
	Reason string // what is wrong there
}

// String names the seq and what is wrong there.
func (b *Break) String() string { return fmt.Sprintf("seq %d: %s", b.Seq, b.Reason) }

// Report is what a walk of the chain found.
type Report struct {
	Checked int64 // rows checked
	// Unkeyed counts the rows with a plain SHA-256 hash (from before
	// migration 12): someone with write access to the database could have
	// rewritten those, unless a keyed row or a saved head follows them.
	Unkeyed int64
	// SavedHeadSeq is where the saved head passed to Check was found.
	SavedHeadSeq int64
}

// Verify walks the chain in seq order (see Check) and returns the rows
// checked and the first break (nil when the chain is whole); err is for
// failures to read.
func (s *Service) Verify(ctx context.Context) (checked int64, firstBad *Break, err error) {
	r, b, err := s.Check(ctx, nil)
	return r.Checked, b, err
}

// Check walks the chain in seq order, a batch at a time (constant memory,
// no long transaction), and checks that the seqs run 1, 2, 3 … without a
// gap, that each row's prev_hash is the hash of the row before (the genesis
// hash for the first), that each hash matches the row's content under the
// audit key, that no plain row follows a keyed one, and that the head
// names the last row. With saved (a head published earlier: Head, the daily
// log), the chain must still hold it: a chain cut back behind it or
// rebuilt without the key breaks. Rows appended while it runs are checked
// too. It returns what it found and the first break (nil when the chain is
// whole); err is for failures to read.
func (s *Service) Check(ctx context.Context, saved *SavedHead) (Report, *Break, error) {
	if len(s.key) < MinKeyLen {
		return Report{}, nil, errNoKey
	}
	w := walker{key: s.key, cursor: math.MinInt64, prevHash: model.AuditGenesis, saved: saved}
	for {
		rows, err := s.store.After(ctx, w.cursor, s.batch)
		if err != nil {
			return w.report, nil, fmt.Errorf("audit: read the chain after seq %d: %w", w.last, err)
		}
		if len(rows) == 0 {
			b, more, err := s.checkHead(ctx, &w)
			if err != nil || b != nil {
				return w.report, b, err
			}
			if !more {
				return w.report, w.savedMissing(), nil
			}
			continue
		}
		for i := range rows {
			if b := w.step(&rows[i]); b != nil {
				return w.report, b, nil
			}
		}
	}
}

// walker is the state of a walk: the last good row.
type walker struct {
	key      []byte
	cursor   int64 // seq to read after
	last     int64 // seq of the last good row (0: none yet)
	prevHash string
	keyed    bool // a keyed row was seen
	report   Report
	// headSeen is the head seq that sent the walk on for more rows.
	headSeen int64
	saved    *SavedHead // nil: none to find
}

func (w *walker) step(r *model.AuditLog) *Break {
	want := w.last + 1
	switch {
	case r.Seq > want:
		return &Break{Seq: want, Reason: fmt.Sprintf("row missing: the next row has seq %d", r.Seq)}
	case r.Seq < want:
		return &Break{Seq: r.Seq, Reason: fmt.Sprintf("row out of place: seq %d where %d was expected", r.Seq, want)}
	case r.PrevHash != w.prevHash:
		return &Break{Seq: r.Seq, Reason: "prev_hash is not the hash of the row before"}
	case r.HashVersion != HashPlain && r.HashVersion != HashKeyed:
		return &Break{Seq: r.Seq, Reason: fmt.Sprintf("unknown hash version %d", r.HashVersion)}
	case r.HashVersion == HashPlain && w.keyed:
		return &Break{Seq: r.Seq, Reason: "unkeyed row after keyed rows (the chain was rewritten without the audit key)"}
	case rowHash(w.key, r) != r.Hash:
		return &Break{Seq: r.Seq, Reason: "hash does not match the row's content under the audit key (the row was changed)"}
	}
	if b := w.matchSaved(r); b != nil {
		return b
	}
	if r.HashVersion == HashPlain {
		w.report.Unkeyed++
	}
	w.keyed = r.HashVersion == HashKeyed
	w.cursor, w.last, w.prevHash = r.Seq, r.Seq, r.Hash
	w.report.Checked++
	return nil
}

// checkHead runs when no rows follow the walk: the head must name the last
// row. A head further on means rows were appended during the walk (more:
// read on) or, when they still do not show, that rows are missing.
func (s *Service) checkHead(ctx context.Context, w *walker) (b *Break, more bool, err error) {
	h, err := s.store.Head(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("audit: read the chain head: %w", err)
	}
	switch {
	case h.Seq == w.last && h.Hash == w.prevHash:
		return nil, false, nil
	case h.Seq == w.last:
		return &Break{Seq: h.Seq, Reason: "the head's hash is not the last row's hash"}, false, nil
	case h.Seq < w.last:
		return &Break{Seq: h.Seq + 1, Reason: fmt.Sprintf("rows follow the head: the head is at seq %d, the last row is %d", h.Seq, w.last)}, false, nil
	case h.Seq == w.headSeen:
		return &Break{Seq: w.last + 1, Reason: fmt.Sprintf("row missing: the head is at seq %d, the last row is %d", h.Seq, w.last)}, false, nil
	}
	w.headSeen = h.Seq
	return nil, true, nil
}
