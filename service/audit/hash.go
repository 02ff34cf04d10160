package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
)

// Hash versions of audit rows (model.AuditLog.HashVersion).
const (
	// HashPlain is plain SHA-256: rows written before migration 12. Anyone
	// who can write the database can recompute it, so Verify counts such
	// rows (Report.Unkeyed) and refuses one after a keyed row.
	HashPlain = 1
	// HashKeyed is HMAC-SHA256 under the audit key, which the database
	// does not hold: every row written now.
	HashKeyed = 2
)

// MinKeyLen is the shortest audit key accepted (bytes).
const MinKeyLen = 32

// Domains open every hash input, so a hash made for one purpose never
// equals one made for another; a new encoding gets a new domain.
const (
	plainDomain = "unionhub-audit-v1"
	keyedDomain = "unionhub-audit-v2"
	headDomain  = "unionhub-audit-head-v1"
)

// rowHash is the hash of r under its HashVersion ("" for an unknown
// version): SHA-256 (plain) or HMAC-SHA256 under key (keyed) over a
// canonical encoding of the row, each field prefixed with its length (8
// bytes, big-endian), so no two different rows encode alike. Fields:
// domain, prev_hash, seq, actor (0: system), org (0: none), action,
// target, request_id, detail (the stored JSON text) and created_at in UTC
// as RFC 3339 with nanoseconds.
func rowHash(key []byte, r *model.AuditLog) string {
	var h hash.Hash
	domain := plainDomain
	switch r.HashVersion {
	case HashPlain:
		h = sha256.New()
	case HashKeyed:
		h, domain = hmac.New(sha256.New, key), keyedDomain
	default:
		return ""
	}
	for _, f := range []string{
		domain,
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

// headMAC authenticates a published head (seq and hash) under key, so a
// head in the log or in a saved file can be told from one written by
// someone without the key.
func headMAC(key []byte, seq int64, hash string) string {
	h := hmac.New(sha256.New, key)
	for _, f := range []string{headDomain, strconv.FormatInt(seq, 10), hash} {
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
