package model

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AccountStore holds the writes that close and erase a user's account
// (注销, service/account). Each is idempotent: a deletion that a node
// dying interrupted is simply run again.
type AccountStore struct{ db *gorm.DB }

// NewAccountStore returns an AccountStore on db.
func NewAccountStore(db *gorm.DB) *AccountStore { return &AccountStore{db: db} }

// TombstoneOpenID is what a closed account's openid becomes: unique, and
// never a real openid, so a later login with the WeChat account creates a
// new, empty user.
func TombstoneOpenID(userID int64) string { return "closed:" + strconv.FormatInt(userID, 10) }

// CloseUser ends the user's WeChat binding and phone and marks the account
// closed.
func (s *AccountStore) CloseUser(ctx context.Context, userID int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
		"openid": TombstoneOpenID(userID), "unionid": nil, "phone_enc": nil, "phone_idx": nil,
		"phone_bound_at": nil, "deactivated_at": now, "updated_at": now}).Error)
}

// RevokeRoles ends every live role binding of the user.
func (s *AccountStore) RevokeRoles(ctx context.Context, userID int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&RoleBinding{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error)
}

// DropOutbox deletes the user's subscribe messages, sent or not (each
// names the openid).
func (s *AccountStore) DropOutbox(ctx context.Context, userID int64) error {
	return Translate(Conn(ctx, s.db).Exec("DELETE FROM outbox WHERE payload LIKE ?",
		`%"user_id":"`+strconv.FormatInt(userID, 10)+`"%`).Error)
}

// MembersOf returns the ids of the member records linked to the user.
func (s *AccountStore) MembersOf(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&Member{}).Where("user_id = ?", userID).Pluck("id", &ids).Error
	return ids, Translate(err)
}

// UnlinkMembers takes the user's member records from the user: they stay
// on the roll, without a user or a card photo, and every card issued
// before stops working (card_version).
func (s *AccountStore) UnlinkMembers(ctx context.Context, userID int64, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&Member{}).Where("user_id = ?", userID).Updates(map[string]any{
		"user_id": nil, "photo_upload_id": nil, "card_version": gorm.Expr("card_version + 1"),
		"version": gorm.Expr("version + 1"), "updated_at": now}).Error)
}

// SessionIDs returns the ids of every session of the user.
func (s *AccountStore) SessionIDs(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&Session{}).Where("user_id = ?", userID).Pluck("id", &ids).Error
	return ids, Translate(err)
}

// ApplicationIDIndexes returns the blind indexes of the ID numbers on the
// user's applications not yet erased.
func (s *AccountStore) ApplicationIDIndexes(ctx context.Context, userID int64) ([]string, error) {
	var idx []string
	err := Conn(ctx, s.db).Model(&Application{}).Where("user_id = ? AND id_number_idx IS NOT NULL", userID).
		Distinct().Pluck("id_number_idx", &idx).Error
	return idx, Translate(err)
}

// ErasedForms is what erasing an application's personal data sets: the
// real-name part, ID number, phone, employer, the files it named and the
// review reason go; status, union, dates and the work categories (which
// the counters and reports use) stay.
func ErasedForms(now time.Time) map[string]any {
	return map[string]any{
		"name": "", "gender": nil, "birth_date": nil, "ethnicity": nil, "education": nil,
		"political_status": nil, "household_type": nil, "id_number_enc": nil, "id_number_idx": nil,
		"phone_enc": nil, "employer_name": nil, "job_title": nil, "hired_on": nil,
		"dispatch_agency_name": nil, "dispatch_agency_uscc": nil, "photo_upload_id": nil,
		"id_card_front_upload_id": nil, "id_card_back_upload_id": nil, "proof_upload_ids": nil,
		"review_reason": nil, "redacted_at": now,
	}
}

// EraseUserData deletes or erases, in the caller's transaction, what is
// left of the closed account userID once its files are gone: sessions,
// notifications, the subscription ledger, idempotent replies, the rows of
// deleted uploads and data-export files (fileKind) and their jobs
// (jobKind); the personal data of its applications and of their timeline
// notes, of its rights requests (pending ones withdrawn) and the reasons
// of its transfers. Consent records stay, without personal data.
func (s *AccountStore) EraseUserData(ctx context.Context, userID int64, fileKind, jobKind string, now time.Time) error {
	db := Conn(ctx, s.db)
	fresh := func() *gorm.DB { return db.Session(&gorm.Session{NewDB: true}) }
	apps := fresh().Model(&Application{}).Select("id").Where("user_id = ?", userID)
	steps := []func() *gorm.DB{
		func() *gorm.DB { return fresh().Where("user_id = ?", userID).Delete(&Session{}) },
		func() *gorm.DB { return fresh().Where("user_id = ?", userID).Delete(&Notification{}) },
		func() *gorm.DB { return fresh().Exec("DELETE FROM wechat_subscriptions WHERE user_id = ?", userID) },
		func() *gorm.DB { return fresh().Exec("DELETE FROM idempotency_keys WHERE user_id = ?", userID) },
		func() *gorm.DB {
			return fresh().Where("owner_id = ? AND deleted_at IS NOT NULL", userID).Delete(&Upload{})
		},
		func() *gorm.DB {
			return fresh().Where("owner_id = ? AND kind = ? AND deleted_at IS NOT NULL", userID, fileKind).Delete(&JobFile{})
		},
		func() *gorm.DB {
			return fresh().Exec("DELETE FROM jobs WHERE created_by = ? AND kind = ?", userID, jobKind)
		},
		func() *gorm.DB {
			return fresh().Exec("UPDATE application_events SET note = NULL WHERE application_id IN (?)", apps)
		},
		func() *gorm.DB {
			return fresh().Model(&Application{}).Where("user_id = ? AND redacted_at IS NULL", userID).Updates(ErasedForms(now))
		},
		func() *gorm.DB {
			return fresh().Exec("UPDATE rights_requests SET status = ?, pending_key = NULL WHERE user_id = ? AND status = ?",
				RightsWithdrawn, userID, RightsPending)
		},
		func() *gorm.DB {
			return fresh().Exec("UPDATE rights_requests SET reason = '', fields_enc = NULL, decision_reason = NULL WHERE user_id = ?", userID)
		},
		func() *gorm.DB { return fresh().Exec("UPDATE transfers SET reason = NULL WHERE user_id = ?", userID) },
		func() *gorm.DB {
			return fresh().Exec("UPDATE consents SET withdrawn_at = ? WHERE user_id = ? AND withdrawn_at IS NULL", now, userID)
		},
	}
	for _, step := range steps {
		if err := Translate(step().Error); err != nil {
			return err
		}
	}
	return nil
}

// UploadsLeft returns the ids of the user's uploads whose file is not
// deleted yet and is due.
func (s *AccountStore) UploadsLeft(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&Upload{}).
		Where("owner_id = ? AND deleted_at IS NULL AND delete_after IS NOT NULL", userID).Pluck("id", &ids).Error
	return ids, Translate(err)
}

// JobFilesLeft returns the job ids of the user's files of kind not yet
// deleted.
func (s *AccountStore) JobFilesLeft(ctx context.Context, userID int64, kind string) ([]int64, error) {
	var ids []int64
	err := Conn(ctx, s.db).Model(&JobFile{}).Where("owner_id = ? AND kind = ? AND deleted_at IS NULL", userID, kind).
		Pluck("job_id", &ids).Error
	return ids, Translate(err)
}

// ClosedBefore returns up to limit withdrawn or rejected applications not
// yet erased that closed (last changed) before cutoff, oldest first.
func (s *AccountStore) ClosedBefore(ctx context.Context, cutoff time.Time, limit int) ([]Application, error) {
	var out []Application
	err := Conn(ctx, s.db).Where("status IN ? AND redacted_at IS NULL AND updated_at < ?",
		[]string{AppWithdrawn, AppRejected}, cutoff).Order("updated_at").Order("id").Limit(limit).Find(&out).Error
	return out, Translate(err)
}

// EraseApplication erases a's personal data (ErasedForms) and its timeline
// notes, and makes the files it named due now unless another application
// not erased or a member record uses them; it returns those files' ids.
func (s *AccountStore) EraseApplication(ctx context.Context, a *Application, now time.Time) ([]int64, error) {
	db := Conn(ctx, s.db)
	res := db.Model(&Application{}).Where("id = ? AND redacted_at IS NULL", a.ID).Updates(ErasedForms(now))
	if err := Translate(res.Error); err != nil || res.RowsAffected == 0 {
		return nil, err
	}
	if err := Translate(db.Exec("UPDATE application_events SET note = NULL WHERE application_id = ?", a.ID).Error); err != nil {
		return nil, err
	}
	var due []int64
	for _, id := range uploadIDsOf(a) {
		var uses int64
		err := db.Session(&gorm.Session{NewDB: true}).Model(&Application{}).Where(
			"redacted_at IS NULL AND (photo_upload_id = ? OR id_card_front_upload_id = ? OR id_card_back_upload_id = ? OR proof_upload_ids LIKE ?)",
			id, id, id, "%,"+strconv.FormatInt(id, 10)+",%").Count(&uses).Error
		if err == nil && uses == 0 {
			err = db.Session(&gorm.Session{NewDB: true}).Model(&Member{}).Where("photo_upload_id = ?", id).Count(&uses).Error
		}
		if err != nil {
			return nil, Translate(err)
		}
		if uses == 0 {
			due = append(due, id)
		}
	}
	if len(due) == 0 {
		return nil, nil
	}
	err := db.Model(&Upload{}).Where("id IN ? AND deleted_at IS NULL AND (delete_after IS NULL OR delete_after > ?)", due, now).
		Update("delete_after", now).Error
	return due, Translate(err)
}

// uploadIDsOf lists the files a's form names.
func uploadIDsOf(a *Application) []int64 {
	var ids []int64
	for _, p := range []*int64{a.PhotoUploadID, a.IDCardFrontUploadID, a.IDCardBackUploadID} {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	if a.ProofUploadIDs != nil {
		for _, f := range strings.Split(strings.Trim(*a.ProofUploadIDs, ","), ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
