package model

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Benefit is a service an org offers to the members of its subtree (普惠服务),
// from StartsOn to EndsOn (business dates, both included). PerMemberLimit
// nil means no limit.
type Benefit struct {
	ID             int64
	OrgID          int64
	Title          string
	Description    string
	StartsOn       string
	EndsOn         string
	PerMemberLimit *int
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// BenefitWithOrg is a benefit with the name and path of the org offering it.
type BenefitWithOrg struct {
	Benefit `gorm:"embedded"`
	OrgName string
	OrgPath string
}

// BenefitStore reads and writes benefits.
type BenefitStore struct{ db *gorm.DB }

// NewBenefitStore returns a BenefitStore on db.
func NewBenefitStore(db *gorm.DB) *BenefitStore { return &BenefitStore{db: db} }

// Create inserts b.
func (s *BenefitStore) Create(ctx context.Context, b *Benefit) error {
	return Translate(Conn(ctx, s.db).Create(b).Error)
}

func (s *BenefitStore) query(ctx context.Context) *gorm.DB {
	return Conn(ctx, s.db).Table("benefits").Select("benefits.*, orgs.name AS org_name, orgs.path AS org_path").
		Joins("JOIN orgs ON orgs.id = benefits.org_id")
}

// Get returns benefit id with its org, or ErrNotFound.
func (s *BenefitStore) Get(ctx context.Context, id int64) (*BenefitWithOrg, error) {
	var b BenefitWithOrg
	if err := Translate(s.query(ctx).Where("benefits.id = ?", id).Take(&b).Error); err != nil {
		return nil, err
	}
	return &b, nil
}

// ListInScope lists the benefits offered by orgs under paths (by org orgID
// alone when it is not 0), newest first.
func (s *BenefitStore) ListInScope(ctx context.Context, paths []string, orgID int64, p Page) ([]BenefitWithOrg, error) {
	q := s.query(ctx).Scopes(InSubtrees(paths, "orgs"))
	if orgID != 0 {
		q = q.Where("benefits.org_id = ?", orgID)
	}
	var out []BenefitWithOrg
	return out, Translate(q.Scopes(Keyset(p, "benefits")).Find(&out).Error)
}

// ListOpen lists the benefits offered by orgIDs that run on day
// (YYYY-MM-DD), newest first.
func (s *BenefitStore) ListOpen(ctx context.Context, orgIDs []int64, day string, p Page) ([]BenefitWithOrg, error) {
	var out []BenefitWithOrg
	if len(orgIDs) == 0 {
		return out, nil
	}
	err := s.query(ctx).Where("benefits.org_id IN ? AND benefits.starts_on <= ? AND benefits.ends_on >= ?", orgIDs, day, day).
		Scopes(Keyset(p, "benefits")).Find(&out).Error
	return out, Translate(err)
}

// Redemption is one use of a benefit by a member, made with one card token.
type Redemption struct {
	ID         int64
	BenefitID  int64
	MemberID   int64
	TokenID    string
	VerifierID int64
	CreatedAt  time.Time
}

// benefitUsage counts a member's redemptions of a benefit.
type benefitUsage struct {
	BenefitID int64 `gorm:"primaryKey;autoIncrement:false"`
	MemberID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Used      int
}

func (benefitUsage) TableName() string { return "benefit_usage" }

// RedemptionStore reads and writes redemptions and the usage counters.
type RedemptionStore struct{ db *gorm.DB }

// NewRedemptionStore returns a RedemptionStore on db.
func NewRedemptionStore(db *gorm.DB) *RedemptionStore { return &RedemptionStore{db: db} }

// Create inserts r; ErrDuplicate when the token already redeemed the
// benefit. Inside a transaction a concurrent insert of the same token waits
// for the first to end.
func (s *RedemptionStore) Create(ctx context.Context, r *Redemption) error {
	return Translate(Conn(ctx, s.db).Create(r).Error)
}

// ByToken returns the redemption of benefitID made with token tokenID, or
// ErrNotFound.
func (s *RedemptionStore) ByToken(ctx context.Context, benefitID int64, tokenID string) (*Redemption, error) {
	var r Redemption
	err := Conn(ctx, s.db).Where("benefit_id = ? AND token_id = ?", benefitID, tokenID).Take(&r).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &r, nil
}

// RedemptionCounts returns how many times each of benefitIDs was redeemed
// (a retried token counts once: it makes no second row), by benefit id; a
// benefit never redeemed is absent. One grouped query for a page of
// benefits, read from the unique (benefit_id, token_id) index alone.
func (s *RedemptionStore) RedemptionCounts(ctx context.Context, benefitIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(benefitIDs))
	if len(benefitIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		BenefitID int64
		N         int64
	}
	err := Conn(ctx, s.db).Table("redemptions").Select("benefit_id, COUNT(*) AS n").
		Where("benefit_id IN ?", benefitIDs).Group("benefit_id").Scan(&rows).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.BenefitID] = r.N
	}
	return out, nil
}

// EnsureUsage creates the member's counter row of a benefit at zero unless
// it exists. Run it outside the redeeming transaction: a row that exists
// before the transaction is only ever locked exclusively there, so
// concurrent redemptions queue on it instead of deadlocking.
func (s *RedemptionStore) EnsureUsage(ctx context.Context, benefitID, memberID int64) error {
	return Translate(Conn(ctx, s.db).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&benefitUsage{BenefitID: benefitID, MemberID: memberID}).Error)
}

// TakeUsage counts one more redemption of the benefit by the member unless
// the count has reached limit; ErrConflict when it has. The row stays locked
// until the caller's transaction ends, so the limit holds exactly under
// concurrency (and on TiDB, which has no gap locks to rely on).
func (s *RedemptionStore) TakeUsage(ctx context.Context, benefitID, memberID int64, limit int) error {
	res := Conn(ctx, s.db).Model(&benefitUsage{}).
		Where("benefit_id = ? AND member_id = ? AND used < ?", benefitID, memberID, limit).
		Update("used", gorm.Expr("used + 1"))
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// Used returns how many times the member redeemed the benefit under a limit.
func (s *RedemptionStore) Used(ctx context.Context, benefitID, memberID int64) (int, error) {
	var u benefitUsage
	err := Translate(Conn(ctx, s.db).Where("benefit_id = ? AND member_id = ?", benefitID, memberID).Take(&u).Error)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return u.Used, err
}
