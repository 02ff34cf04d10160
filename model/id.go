package model

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// idEpoch is 2024-01-01T00:00:00Z; IDs are milliseconds since then.
var idEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// IDGen makes 63-bit IDs: 41 bits of milliseconds, 10 bits of node and 12
// bits of sequence. The node part is random per process, so nodes need no
// coordination; a rare clash is a duplicate-key error, never a silent merge.
// IDs roughly follow time but no code relies on their order.
type IDGen struct {
	mu   sync.Mutex
	node int64
	last int64
	seq  int64
}

// NewIDGen returns a generator with a random node number.
func NewIDGen() *IDGen {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return &IDGen{node: int64(binary.BigEndian.Uint16(b[:]) & 0x3ff)}
}

// Next returns a new ID.
func (g *IDGen) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now().UnixMilli() - idEpoch
	if now < g.last {
		now = g.last // clock went back: keep counting in the last millisecond
	}
	if now == g.last {
		g.seq = (g.seq + 1) & 0xfff
		if g.seq == 0 {
			now++ // sequence exhausted: borrow the next millisecond
		}
	} else {
		g.seq = 0
	}
	g.last = now
	return now<<22 | g.node<<12 | g.seq
}

var defaultIDs = NewIDGen()

// NewID returns a new ID from the process-wide generator.
func NewID() int64 { return defaultIDs.Next() }
