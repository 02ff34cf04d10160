package model

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Subscription is a user's balance of one-time subscriptions to a
// subscribe-message template: each accepted request allows one message.
type Subscription struct {
	UserID     int64
	TemplateID string
	Balance    int
	UpdatedAt  time.Time
}

// TableName names the table.
func (Subscription) TableName() string { return "wechat_subscriptions" }

// SubscriptionStore is the subscription ledger.
type SubscriptionStore struct{ db *gorm.DB }

// NewSubscriptionStore returns a SubscriptionStore on db.
func NewSubscriptionStore(db *gorm.DB) *SubscriptionStore { return &SubscriptionStore{db: db} }

// Add adds one to the user's balance for template, creating the row.
func (s *SubscriptionStore) Add(ctx context.Context, userID int64, template string, now time.Time) error {
	for range 2 {
		res := Conn(ctx, s.db).Model(&Subscription{}).Where("user_id = ? AND template_id = ?", userID, template).
			Updates(map[string]any{"balance": gorm.Expr("balance + 1"), "updated_at": now})
		if err := Translate(res.Error); err != nil || res.RowsAffected == 1 {
			return err
		}
		err := Translate(Conn(ctx, s.db).Create(&Subscription{UserID: userID, TemplateID: template, Balance: 1, UpdatedAt: now}).Error)
		if !errors.Is(err, ErrDuplicate) {
			return err
		}
		// A concurrent Add created the row first: add to it.
	}
	return ErrConflict
}

// Zero sets the user's balance for template to zero.
func (s *SubscriptionStore) Zero(ctx context.Context, userID int64, template string, now time.Time) error {
	return Translate(Conn(ctx, s.db).Model(&Subscription{}).Where("user_id = ? AND template_id = ? AND balance <> 0", userID, template).
		Updates(map[string]any{"balance": 0, "updated_at": now}).Error)
}

// Use takes one from the user's balance for template when it is above
// zero, in one conditional UPDATE, and reports whether it did.
func (s *SubscriptionStore) Use(ctx context.Context, userID int64, template string, now time.Time) (bool, error) {
	res := Conn(ctx, s.db).Model(&Subscription{}).Where("user_id = ? AND template_id = ? AND balance > 0", userID, template).
		Updates(map[string]any{"balance": gorm.Expr("balance - 1"), "updated_at": now})
	if err := Translate(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// Balances returns the user's balance for each of templates (0 without a row).
func (s *SubscriptionStore) Balances(ctx context.Context, userID int64, templates []string) (map[string]int, error) {
	out := make(map[string]int, len(templates))
	for _, t := range templates {
		out[t] = 0
	}
	var rows []Subscription
	if err := Conn(ctx, s.db).Where("user_id = ? AND template_id IN ?", userID, templates).Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	for _, r := range rows {
		out[r.TemplateID] = r.Balance
	}
	return out, nil
}
