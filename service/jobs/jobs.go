// Package jobs runs UnionHub's background work on every node without a
// coordinator: one-off jobs (imports, exports) from a queue in the jobs
// table, and periodic singleton tasks (cleanups) under named leases.
//
// # Claiming, also on TiDB
//
// TiDB has no SELECT … FOR UPDATE SKIP LOCKED, so nothing here locks rows
// to find work. A node reads a few candidates with a plain SELECT, then
// tries to take each with one conditional UPDATE:
//
//	UPDATE jobs SET status='running', lease_owner=?, lease_until=?, attempts=attempts+1
//	WHERE id=? AND ((status='pending' AND run_after<=?) OR (status='running' AND lease_until<?))
//
// The database applies the UPDATEs to one row one at a time and re-checks
// the WHERE on the row as it then is, so exactly one node sees
// RowsAffected = 1 and runs the job; the others move on. Every such UPDATE
// changes a column (the attempt count), so RowsAffected is exact on MySQL
// too, which counts changed rows only. A node that dies leaves its lease to
// run out, and the job is claimed again (at most MaxAttempts times).
//
// Leases compare against the clocks of the nodes (UTC, microseconds), so
// nodes need synchronised clocks (NTP); a lease should be much longer than
// the skew between them.
package jobs

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// NewOwner returns a name for this process as a lease owner: host, pid and
// a random part, at most 64 characters.
func NewOwner() string {
	host, _ := os.Hostname()
	if len(host) > 32 {
		host = host[:32]
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// TickFunc makes a ticker that fires every d, and its stop function; tests
// inject one to drive loops without waiting.
type TickFunc func(d time.Duration) (<-chan time.Time, func())

// realTick is the TickFunc of production.
func realTick(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// clock returns now's time in UTC, to the microsecond the database keeps.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		now = time.Now
	}
	return func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}
