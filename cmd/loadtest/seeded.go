package main

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
)

// errNotSeeded says what to do about a database the load test cannot use.
var errNotSeeded = errors.New("the database holds no province with members to load-test: run `unionhub seed-bench --unions 200 --members 20000` " +
	"first, with the same configuration (UNIONHUB_DATA_DIR, UNIONHUB_DB_DRIVER, UNIONHUB_DB_DSN)")

// checkSeeded refuses a database that seed-bench has not filled: no org,
// or no member on the roll (an empty database, or seed-demo's orgs only).
func checkSeeded(ctx context.Context, db *gorm.DB) error {
	if _, err := model.NewOrgStore(db).Root(ctx); errors.Is(err, model.ErrNotFound) {
		return errNotSeeded
	} else if err != nil {
		return err
	}
	var member model.Member
	err := db.WithContext(ctx).Select("id").Where("status = ?", model.MemberActive).Take(&member).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNotSeeded
	}
	return err
}
