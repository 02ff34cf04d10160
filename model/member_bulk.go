package model

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// bulkRows is how many rows one multi-row INSERT carries: a member has
// about 30 columns, so a statement stays far below the placeholder limits
// of both dialects.
const bulkRows = 100

// OnRollKeys returns which of the ID-number blind indexes keys belong to a
// member on the roll.
func (s *MemberStore) OnRollKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := make(map[string]bool)
	if len(keys) == 0 {
		return out, nil
	}
	var found []string
	err := Conn(ctx, s.db).Model(&Member{}).Where("roll_key IN ?", keys).Pluck("roll_key", &found).Error
	for _, k := range found {
		out[k] = true
	}
	return out, Translate(err)
}

// CreateMany inserts ms with multi-row INSERTs; ErrDuplicate when one of
// them is already on the roll (nothing of the statement is then kept, and
// in a transaction the caller rolls back).
func (s *MemberStore) CreateMany(ctx context.Context, ms []Member) error {
	if len(ms) == 0 {
		return nil
	}
	return Translate(Conn(ctx, s.db).CreateInBatches(ms, bulkRows).Error)
}

// AddEvents appends many history lines.
func (s *MemberStore) AddEvents(ctx context.Context, evs []MembershipEvent) error {
	if len(evs) == 0 {
		return nil
	}
	return Translate(Conn(ctx, s.db).CreateInBatches(evs, bulkRows).Error)
}

// ReserveMemberNos allocates n consecutive member numbers under prefix, as
// n calls of NextMemberNo would, with one UPDATE: the counter row stays
// locked until the caller's transaction ends.
func (s *MemberStore) ReserveMemberNos(ctx context.Context, prefix string, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	db := Conn(ctx, s.db)
	if err := Translate(db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&memberNoSeq{Prefix: prefix, NextVal: 1}).Error); err != nil {
		return nil, err
	}
	res := db.Model(&memberNoSeq{}).Where("prefix = ?", prefix).Update("next_val", gorm.Expr("next_val + ?", n))
	if err := Translate(res.Error); err != nil {
		return nil, err
	}
	var seq memberNoSeq
	if err := Translate(db.Where("prefix = ?", prefix).Take(&seq).Error); err != nil {
		return nil, err
	}
	last := seq.NextVal - 1
	if last > 99_999_999 {
		return nil, fmt.Errorf("member numbers under %s exhausted", prefix)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%08d", prefix, last-int64(n)+1+int64(i))
	}
	return out, nil
}

// OnRollAfter returns up to limit members on the roll of org whose id is
// above afterID, by id: a keyset walk over one union's roll.
func (s *MemberStore) OnRollAfter(ctx context.Context, orgID, afterID int64, limit int) ([]Member, error) {
	var out []Member
	err := Conn(ctx, s.db).Where("org_id = ? AND status IN ? AND id > ?", orgID, OnRollStatuses, afterID).
		Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// GrassrootsUnder returns the grassroots unions of the subtree under path
// (the org at path included), by path.
func (s *OrgStore) GrassrootsUnder(ctx context.Context, path string) ([]Org, error) {
	var out []Org
	err := Conn(ctx, s.db).Scopes(InSubtrees([]string{path}, "")).Where("type = ?", OrgGrassroots).
		Order("path").Find(&out).Error
	return out, Translate(err)
}

// NationalEvents returns, for each of memberIDs, its latest history line
// of each of the national change types in codes (会籍变化类型), keyed by
// the code.
func (s *MemberStore) NationalEvents(ctx context.Context, memberIDs []int64, codes []string) (map[int64]map[string]MembershipEvent, error) {
	out := make(map[int64]map[string]MembershipEvent, len(memberIDs))
	if len(memberIDs) == 0 {
		return out, nil
	}
	var evs []MembershipEvent
	err := Conn(ctx, s.db).Where("member_id IN ? AND national_code IN ?", memberIDs, codes).
		Order("created_at").Order("id").Find(&evs).Error
	for _, e := range evs {
		if out[e.MemberID] == nil {
			out[e.MemberID] = map[string]MembershipEvent{}
		}
		out[e.MemberID][*e.NationalCode] = e
	}
	return out, Translate(err)
}
