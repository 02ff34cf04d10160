package model

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Verification records one card check at a counter: who checked, whose
// card (nil when the token named nobody we could trust), the result
// ("valid" or the reason it was refused), and the benefit asked for.
type Verification struct {
	ID         int64
	VerifierID int64
	MemberID   *int64
	BenefitID  *int64
	TokenID    *string
	Result     string
	CreatedAt  time.Time
}

// VerificationStore writes the verification log.
type VerificationStore struct{ db *gorm.DB }

// NewVerificationStore returns a VerificationStore on db.
func NewVerificationStore(db *gorm.DB) *VerificationStore { return &VerificationStore{db: db} }

// InsertBatch writes rows in one transaction (all or none). MySQL gets multi-row
// INSERTs (one round trip per 200 rows); SQLite runs one prepared
// single-row INSERT per row, because its parser is the dominant cost of a
// long multi-row statement.
func (s *VerificationStore) InsertBatch(ctx context.Context, rows []Verification) error {
	if len(rows) == 0 {
		return nil
	}
	if Dialect(s.db) == DialectMySQL {
		// One transaction, so that a failed batch is retried whole. The
		// statements go straight to the connection: GORM's reflection over
		// every row cost as much CPU as the rest of the writer.
		return InTx(ctx, s.db, func(ctx context.Context) error {
			// A run again after a deadlock starts from the first row: the
			// rolled-back statements wrote nothing.
			pool := Conn(ctx, s.db).Statement.ConnPool
			args := make([]any, 0, verificationsPerInsert*7)
			for left := rows; len(left) > 0; {
				n := min(len(left), verificationsPerInsert)
				args = args[:0]
				for _, v := range left[:n] {
					args = append(args, v.ID, v.VerifierID, v.MemberID, v.BenefitID, v.TokenID, v.Result, v.CreatedAt.UTC())
				}
				if _, err := pool.ExecContext(ctx, insertVerifications(n), args...); err != nil {
					return Translate(err)
				}
				left = left[n:]
			}
			return nil
		})
	}
	return InTx(ctx, s.db, func(ctx context.Context) error {
		stmt, err := Conn(ctx, s.db).Statement.ConnPool.PrepareContext(ctx, insertVerification)
		if err != nil {
			return Translate(err)
		}
		defer stmt.Close()
		for _, v := range rows {
			if _, err := stmt.ExecContext(ctx, v.ID, v.VerifierID, v.MemberID, v.BenefitID, v.TokenID, v.Result,
				v.CreatedAt.UTC()); err != nil {
				return Translate(err)
			}
		}
		return nil
	})
}

const insertVerification = `INSERT INTO verifications (id, verifier_id, member_id, benefit_id, token_id, result, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?)`

// verificationsPerInsert is how many rows one multi-row INSERT writes on
// MySQL (1 400 placeholders, well under the protocol's 65 535).
const verificationsPerInsert = 200

// fullInsert is the statement of a full multi-row INSERT, built once.
var fullInsert = buildInsertVerifications(verificationsPerInsert)

// insertVerifications returns the INSERT of n rows.
func insertVerifications(n int) string {
	if n == verificationsPerInsert {
		return fullInsert
	}
	return buildInsertVerifications(n)
}

func buildInsertVerifications(n int) string {
	var b strings.Builder
	b.WriteString(insertVerification)
	for range n - 1 {
		b.WriteString(", (?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// ForVerifier lists a verifier's checks, newest first.
func (s *VerificationStore) ForVerifier(ctx context.Context, verifierID int64, p Page) ([]Verification, error) {
	var out []Verification
	err := Conn(ctx, s.db).Where("verifier_id = ?", verifierID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}
