package model

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditGenesis is the prev_hash of the first audit row and the head of an
// empty chain (migration 4 seeds audit_head with it).
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditLog is one row of the append-only, hash-chained audit log. Seq is
// the row's position in the chain; Hash covers PrevHash and the row's
// content, so changing, removing or reordering a row breaks the chain.
// HashVersion says how Hash was made (1: plain SHA-256, rows from before
// migration 12; 2: HMAC-SHA256 under the audit key, which the database
// does not hold).
type AuditLog struct {
	ID          int64
	Seq         int64
	ActorID     *int64 // nil: the system
	OrgID       *int64 // nil: no org
	Action      string
	Target      string
	RequestID   string
	Detail      string // JSON
	CreatedAt   time.Time
	PrevHash    string
	Hash        string
	HashVersion int
}

// AuditHead is the one row naming the end of the chain. Appends lock it,
// so every node extends the same chain and none can fork it.
type AuditHead struct {
	ID        int
	Seq       int64
	Hash      string
	UpdatedAt time.Time
}

// TableName is the one-row table audit_head.
func (AuditHead) TableName() string { return "audit_head" }

// AuditStore reads and appends audit rows.
type AuditStore struct{ db *gorm.DB }

// NewAuditStore returns an AuditStore on db.
func NewAuditStore(db *gorm.DB) *AuditStore { return &AuditStore{db: db} }

// LockHead reads the head for an append and locks it until the caller's
// transaction ends (SELECT … FOR UPDATE on MySQL and TiDB; SQLite write
// transactions are serialised already, and its dialect drops the clause).
// It must run inside a transaction (InTx).
func (s *AuditStore) LockHead(ctx context.Context) (*AuditHead, error) {
	var h AuditHead
	err := Conn(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = 1").Take(&h).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &h, nil
}

// Head reads the head without locking it.
func (s *AuditStore) Head(ctx context.Context) (*AuditHead, error) {
	var h AuditHead
	if err := Translate(Conn(ctx, s.db).Where("id = 1").Take(&h).Error); err != nil {
		return nil, err
	}
	return &h, nil
}

// Append inserts row and moves the head from seq row.Seq-1 to the row;
// ErrConflict when the head moved meanwhile (it was not locked).
func (s *AuditStore) Append(ctx context.Context, row *AuditLog) error {
	db := Conn(ctx, s.db)
	if err := Translate(db.Create(row).Error); err != nil {
		return err
	}
	res := db.Model(&AuditHead{}).Where("id = 1 AND seq = ?", row.Seq-1).
		Updates(map[string]any{"seq": row.Seq, "hash": row.Hash, "updated_at": row.CreatedAt})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// After returns up to limit rows with seq above after, in chain order.
func (s *AuditStore) After(ctx context.Context, after int64, limit int) ([]AuditLog, error) {
	var rows []AuditLog
	err := Conn(ctx, s.db).Where("seq > ?", after).Order("seq").Limit(limit).Find(&rows).Error
	return rows, Translate(err)
}

// AuditFilter selects audit rows for the admin list.
type AuditFilter struct {
	Paths   []string // the caller's subtrees; none: nothing
	OrgPath string   // "": all of Paths; else only this subtree
	Action  string   // "": every action
}

// List returns the rows of orgs in f's subtrees, newest first. Rows
// without an org are never listed.
func (s *AuditStore) List(ctx context.Context, f AuditFilter, p Page) ([]AuditLog, error) {
	q := Conn(ctx, s.db).Scopes(OrgInSubtrees(f.Paths, "audit_logs.org_id"))
	if f.OrgPath != "" {
		q = q.Scopes(OrgInSubtrees([]string{f.OrgPath}, "audit_logs.org_id"))
	}
	if f.Action != "" {
		q = q.Where("audit_logs.action = ?", f.Action)
	}
	var rows []AuditLog
	return rows, Translate(q.Scopes(Keyset(p, "audit_logs")).Find(&rows).Error)
}
