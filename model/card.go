package model

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// CardRow is what an e-member card shows and what verification checks: the
// member with its union's name and path.
type CardRow struct {
	ID            int64
	MemberNo      string
	UserID        *int64
	OrgID         int64
	Status        string
	Name          string
	JoinedOn      string
	PhotoUploadID *int64
	CardVersion   int
	OrgName       string
	OrgPath       string
}

// CardStore reads members as cards and bumps their card versions.
type CardStore struct{ db *gorm.DB }

// NewCardStore returns a CardStore on db.
func NewCardStore(db *gorm.DB) *CardStore { return &CardStore{db: db} }

const cardColumns = "members.id, members.member_no, members.user_id, members.org_id, members.status, members.name, " +
	"members.joined_on, members.photo_upload_id, members.card_version, orgs.name AS org_name, orgs.path AS org_path"

func (s *CardStore) query(ctx context.Context) *gorm.DB {
	return Conn(ctx, s.db).Table("members").Select(cardColumns).Joins("JOIN orgs ON orgs.id = members.org_id")
}

// ForUser returns the card of the user's member record on the roll, or
// ErrNotFound.
func (s *CardStore) ForUser(ctx context.Context, userID int64) (*CardRow, error) {
	var r CardRow
	err := s.query(ctx).Where("members.user_id = ? AND members.status IN ?", userID, OnRollStatuses).Take(&r).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &r, nil
}

// ForMember returns the card of member id whatever its status, or
// ErrNotFound.
func (s *CardStore) ForMember(ctx context.Context, id int64) (*CardRow, error) {
	var r CardRow
	if err := Translate(s.query(ctx).Where("members.id = ?", id).Take(&r).Error); err != nil {
		return nil, err
	}
	return &r, nil
}

// OnRollInScope returns the card of member id when it is on the roll and
// its union lies under one of paths; otherwise ErrNotFound.
func (s *CardStore) OnRollInScope(ctx context.Context, id int64, paths []string) (*CardRow, error) {
	var r CardRow
	err := s.query(ctx).Scopes(InSubtrees(paths, "orgs")).
		Where("members.id = ? AND members.status IN ?", id, OnRollStatuses).Take(&r).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &r, nil
}

// BumpCardVersion moves member id's card version on by one while the member
// is on the roll, so every card token issued before stops verifying;
// ErrNotFound when the member is not on the roll.
func (s *CardStore) BumpCardVersion(ctx context.Context, id int64, now time.Time) error {
	res := Conn(ctx, s.db).Model(&Member{}).Where("id = ? AND status IN ?", id, OnRollStatuses).
		Updates(map[string]any{"card_version": gorm.Expr("card_version + 1"), "updated_at": now})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
