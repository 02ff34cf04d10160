package audit

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/unionhub/unionhub/model"
)

// SavedHead is a head published earlier and kept outside the database:
// the output of `unionhub audit head`, a daily "audit head" log line, or
// just a hash. MAC, when present, is the head's HMAC under the audit key.
type SavedHead struct {
	Seq  int64  `json:"seq"` // 0: unknown (only a hash was saved)
	Hash string `json:"hash"`
	MAC  string `json:"mac,omitempty"`
}

// SignedHead returns the end of the chain with its MAC, to be saved
// elsewhere and checked later (Check).
func (s *Service) SignedHead(ctx context.Context) (SavedHead, error) {
	if len(s.key) < MinKeyLen {
		return SavedHead{}, errNoKey
	}
	seq, hash, err := s.Head(ctx)
	if err != nil {
		return SavedHead{}, err
	}
	return SavedHead{Seq: seq, Hash: hash, MAC: headMAC(s.key, seq, hash)}, nil
}

// ErrBadHeadMAC: a saved head's MAC was not made with this audit key.
var ErrBadHeadMAC = errors.New("audit: the saved head's mac does not match: it was not published with this audit key")

// CheckMAC returns ErrBadHeadMAC when h carries a MAC that is not its own
// under the audit key; a head without a MAC passes (its hash alone can
// only be found on a chain made with the key).
func (s *Service) CheckMAC(h SavedHead) error {
	if h.MAC == "" {
		return nil
	}
	want, err := hex.DecodeString(headMAC(s.key, h.Seq, h.Hash))
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(h.MAC)
	if err != nil || !hmac.Equal(got, want) {
		return ErrBadHeadMAC
	}
	return nil
}

// ParseSavedHead reads a saved head from text: a 64-digit hex hash, or
// JSON lines of which the last one with a hash counts (so a whole log of
// daily heads, or `audit head`'s output, can be passed as it is).
func ParseSavedHead(text string) (SavedHead, error) {
	text = strings.TrimSpace(text)
	if isHash(text) {
		return SavedHead{Hash: strings.ToLower(text)}, nil
	}
	var last *SavedHead
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var h SavedHead
		if json.Unmarshal(sc.Bytes(), &h) == nil && isHash(h.Hash) {
			h.Hash = strings.ToLower(h.Hash)
			last = &h
		}
	}
	if err := sc.Err(); err != nil {
		return SavedHead{}, fmt.Errorf("audit: read the saved head: %w", err)
	}
	if last == nil {
		return SavedHead{}, errors.New(`audit: no saved head found: want a 64-digit hex hash or JSON lines with "seq" and "hash"`)
	}
	return *last, nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// matchSaved checks r against the saved head: at the saved seq the hash
// must be the saved one; a saved hash without a seq is found by its hash.
func (w *walker) matchSaved(r *model.AuditLog) *Break {
	h := w.saved
	if h == nil || w.report.SavedHeadSeq != 0 {
		return nil
	}
	switch {
	case h.Seq == r.Seq && h.Hash != r.Hash:
		return &Break{Seq: r.Seq, Reason: "the saved head is not on the chain: this row has another hash (the chain was rewritten since)"}
	case h.Hash == r.Hash && (h.Seq == 0 || h.Seq == r.Seq):
		w.report.SavedHeadSeq = r.Seq
	}
	return nil
}

// savedMissing is the break when a whole chain ends without the saved
// head: it was cut back behind it, or rebuilt.
func (w *walker) savedMissing() *Break {
	h := w.saved
	if h == nil || w.report.SavedHeadSeq != 0 || h.Hash == model.AuditGenesis {
		return nil
	}
	if h.Seq > 0 {
		return &Break{Seq: min(h.Seq, w.last+1), Reason: fmt.Sprintf("the saved head (seq %d) is not on the chain, which ends at seq %d (cut back or rebuilt)", h.Seq, w.last)}
	}
	return &Break{Seq: w.last + 1, Reason: fmt.Sprintf("the saved head's hash is on no row of the chain, which ends at seq %d (cut back or rebuilt)", w.last)}
}
