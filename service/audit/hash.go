package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
)

// hashDomain opens every row's hash input, so it never equals a hash made
// for another purpose; a new encoding would get a new domain.
const hashDomain = "unionhub-audit-v1"

// rowHash is SHA-256 over a canonical encoding of the row: each field
// prefixed with its length (8 bytes, big-endian), so no two different rows
// encode alike. Fields: prev_hash, seq, actor (0: system), org (0: none),
// action, target, request_id, detail (the stored JSON text) and created_at
// in UTC as RFC 3339 with nanoseconds.
func rowHash(r *model.AuditLog) string {
	h := sha256.New()
	for _, f := range []string{
		hashDomain,
		r.PrevHash,
		strconv.FormatInt(r.Seq, 10),
		strconv.FormatInt(deref(r.ActorID), 10),
		strconv.FormatInt(deref(r.OrgID), 10),
		r.Action,
		r.Target,
		r.RequestID,
		r.Detail,
		r.CreatedAt.UTC().Format(time.RFC3339Nano),
	} {
		writeField(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, f string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(f)))
	h.Write(n[:])
	h.Write([]byte(f))
}
