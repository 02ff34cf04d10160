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

// Verify walks the chain in seq order, a batch at a time (constant memory,
// no long transaction), and checks that the seqs run 1, 2, 3 … without a
// gap, that each row's prev_hash is the hash of the row before (the genesis
// hash for the first), that each hash matches the row's content, and that
// the head names the last row. It returns the rows checked and the first
// break (nil when the chain is whole); err is for failures to read. Rows
// appended while it runs are checked too.
func (s *Service) Verify(ctx context.Context) (checked int64, firstBad *Break, err error) {
	w := walker{cursor: math.MinInt64, prevHash: model.AuditGenesis}
	for {
		rows, err := s.store.After(ctx, w.cursor, s.batch)
		if err != nil {
			return w.checked, nil, fmt.Errorf("audit: read the chain after seq %d: %w", w.last, err)
		}
		if len(rows) == 0 {
			b, more, err := s.checkHead(ctx, &w)
			if err != nil || b != nil || !more {
				return w.checked, b, err
			}
			continue
		}
		for i := range rows {
			if b := w.step(&rows[i]); b != nil {
				return w.checked, b, nil
			}
		}
	}
}

// walker is the state of a walk: the last good row.
type walker struct {
	cursor   int64 // seq to read after
	last     int64 // seq of the last good row (0: none yet)
	prevHash string
	checked  int64
	// headSeen is the head seq that sent the walk on for more rows.
	headSeen int64
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
	case rowHash(r) != r.Hash:
		return &Break{Seq: r.Seq, Reason: "hash does not match the row's content (the row was changed)"}
	}
	w.cursor, w.last, w.prevHash = r.Seq, r.Seq, r.Hash
	w.checked++
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
