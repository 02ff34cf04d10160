package model

import (
	"context"
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
		// One transaction, so that a failed batch is retried whole.
		return InTx(ctx, s.db, func(ctx context.Context) error {
			return Translate(Conn(ctx, s.db).CreateInBatches(rows, 200).Error)
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

// ForVerifier lists a verifier's checks, newest first.
func (s *VerificationStore) ForVerifier(ctx context.Context, verifierID int64, p Page) ([]Verification, error) {
	var out []Verification
	err := Conn(ctx, s.db).Where("verifier_id = ?", verifierID).Scopes(Keyset(p, "")).Find(&out).Error
	return out, Translate(err)
}
