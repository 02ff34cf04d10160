package model

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// User is a WeChat identity. The session_key WeChat hands out is never
// stored; the phone is kept encrypted with a blind index for lookups.
type User struct {
	ID           int64
	OpenID       string  `gorm:"column:openid"`
	UnionID      *string `gorm:"column:unionid"`
	PhoneEnc     *string
	PhoneIdx     *string
	PhoneBoundAt *time.Time
	// DeactivatedAt is when the account was closed (注销); a closed
	// account keeps its id and nothing else, and opens no session.
	DeactivatedAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UserStore reads and writes users.
type UserStore struct{ db *gorm.DB }

// NewUserStore returns a UserStore on db.
func NewUserStore(db *gorm.DB) *UserStore { return &UserStore{db: db} }

// UpsertByOpenID returns the user with openid, creating it when new; a
// changed unionid is recorded. Concurrent first logins make one user.
func (s *UserStore) UpsertByOpenID(ctx context.Context, openid string, unionid *string) (*User, error) {
	db := Conn(ctx, s.db)
	var u User
	err := Translate(db.Where("openid = ?", openid).Take(&u).Error)
	if err == ErrNotFound {
		u = User{ID: NewID(), OpenID: openid, UnionID: unionid}
		err = Translate(db.Create(&u).Error)
		if errorsIsDuplicate(err) {
			// A concurrent login created it first. Read into a fresh value:
			// GORM would add the primary key of a filled one to the WHERE.
			var first User
			err = Translate(db.Where("openid = ?", openid).Take(&first).Error)
			u = first
		}
		if err != nil {
			return nil, err
		}
		return &u, nil
	}
	if err != nil {
		return nil, err
	}
	if unionid != nil && (u.UnionID == nil || *u.UnionID != *unionid) {
		u.UnionID = unionid
		if err := Translate(db.Model(&u).Update("unionid", unionid).Error); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// Get returns the user with id, or ErrNotFound.
func (s *UserStore) Get(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := Translate(Conn(ctx, s.db).Take(&u, id).Error); err != nil {
		return nil, err
	}
	return &u, nil
}

// LockOpen returns user id, locked until the caller's transaction ends
// (SELECT … FOR UPDATE on MySQL and TiDB; SQLite serialises writers), or
// ErrNotFound when there is none or the account is closed. A session opened
// in that transaction cannot slip past an account closing at the same
// time: the closing waits for the lock, then revokes it with the others.
func (s *UserStore) LockOpen(ctx context.Context, id int64) (*User, error) {
	var u User
	err := Conn(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("id = ? AND deactivated_at IS NULL", id).Take(&u).Error
	if err := Translate(err); err != nil {
		return nil, err
	}
	return &u, nil
}

// SetPhone records the user's WeChat-verified phone.
func (s *UserStore) SetPhone(ctx context.Context, id int64, enc, idx string, at time.Time) error {
	res := Conn(ctx, s.db).Model(&User{}).Where("id = ?", id).
		Updates(map[string]any{"phone_enc": enc, "phone_idx": idx, "phone_bound_at": at, "updated_at": at})
	if err := Translate(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// GetByOpenID returns the user with openid, or ErrNotFound.
func (s *UserStore) GetByOpenID(ctx context.Context, openid string) (*User, error) {
	var u User
	if err := Translate(Conn(ctx, s.db).Where("openid = ?", openid).Take(&u).Error); err != nil {
		return nil, err
	}
	return &u, nil
}

// ClearPhone forgets the user's bound phone (WeChat's phone authorisation
// was revoked): binding again is needed to apply or claim a card.
func (s *UserStore) ClearPhone(ctx context.Context, id int64, at time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&User{}).Where("id = ?", id).
		Updates(map[string]any{"phone_enc": nil, "phone_idx": nil, "phone_bound_at": nil, "updated_at": at}).Error)
}
