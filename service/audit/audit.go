// Package audit is the audit log: who did what to whose data, in an
// append-only table whose rows are chained by HMAC-SHA256 under the audit
// key (each row stores the previous row's hash). The key is not in the
// database, so someone who can only write the database cannot recompute
// the chain after changing a row. Appends go through the one-row chain
// head, locked in the caller's transaction, so nodes extend one chain and
// cannot fork it. Verify walks the chain; the head is published (logged
// daily with a MAC, printed by `unionhub audit head`), and Check confirms
// that a head saved elsewhere is still on the chain, so a table cut back
// or rebuilt shows against any head saved before.
//
// Details never hold a full ID number or phone number: callers pass masked
// values (pii.Mask…).
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// Entry is one audited action. ActorID 0 is the system; OrgID 0 means no
// org (such rows are checked by Verify but listed to nobody).
type Entry struct {
	ActorID int64
	OrgID   int64
	Action  string // e.g. "application.read", "role.revoke"
	Target  string // e.g. "application:384515783190089728"
	Detail  map[string]any
}

// Service appends to, verifies and lists the audit log.
type Service struct {
	db    *gorm.DB
	key   []byte // HMAC key of the links and published heads
	store *model.AuditStore
	now   func() time.Time
	log   *slog.Logger
	batch int // rows per query while verifying
}

// New returns the audit service keyed with key (at least MinKeyLen bytes;
// without it Record and Verify fail); nil now means time.Now, nil log the
// default logger.
func New(db *gorm.DB, key []byte, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, key: key, store: model.NewAuditStore(db), now: now, log: log, batch: 500}
}

// errNoKey: the service was built without a usable audit key.
var errNoKey = errors.New("audit: no audit key (at least 32 bytes)")

// Column sizes of audit_logs; longer values are cut (before hashing, so
// the row and its hash agree).
const (
	maxAction    = 64
	maxTarget    = 128
	maxRequestID = 128
)

// Record appends e to the chain in the transaction carried by ctx, or in
// one of its own. The request id comes from ctx (WithRequestID). It locks
// the chain head until that transaction ends, so callers make it their
// last write: the lock is then held briefly and cannot take part in a
// deadlock. If the caller's transaction rolls back, so does the row.
func (s *Service) Record(ctx context.Context, e Entry) error {
	if strings.TrimSpace(e.Action) == "" {
		return fmt.Errorf("audit: entry without an action")
	}
	if len(s.key) < MinKeyLen {
		return errNoKey
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("audit: detail of %s: %w", e.Action, err)
		}
	}
	row := model.AuditLog{
		ID:        model.NewID(),
		ActorID:   nonZero(e.ActorID),
		OrgID:     nonZero(e.OrgID),
		Action:    clip(e.Action, maxAction),
		Target:    clip(e.Target, maxTarget),
		RequestID: clip(RequestID(ctx), maxRequestID),
		Detail:    string(detail),
		// DATETIME(6) keeps microseconds: hash what the database returns.
		CreatedAt:   s.now().UTC().Truncate(time.Microsecond),
		HashVersion: HashKeyed,
	}
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		head, err := s.store.LockHead(ctx)
		if err != nil {
			return fmt.Errorf("audit: read the chain head: %w", err)
		}
		row.Seq = head.Seq + 1
		row.PrevHash = head.Hash
		row.Hash = rowHash(s.key, &row)
		if err := s.store.Append(ctx, &row); err != nil {
			return fmt.Errorf("audit: append seq %d: %w", row.Seq, err)
		}
		return nil
	})
}

// Head returns the end of the chain: the seq and hash of the last row
// (0 and the genesis hash when the log is empty).
func (s *Service) Head(ctx context.Context) (seq int64, hash string, err error) {
	h, err := s.store.Head(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("audit: read the chain head: %w", err)
	}
	return h.Seq, h.Hash, nil
}

func nonZero(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func deref(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// clip keeps valid UTF-8 of at most n characters (VARCHAR counts characters).
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
