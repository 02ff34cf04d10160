package application

import (
	"context"
	"errors"
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// ConsentInput is a consent as the user gives it.
type ConsentInput struct {
	Version                                  string
	PersonalInfo, SensitiveInfo, ShareUpward *bool
}

// GiveConsent records a consent. Each item is a separate yes or no
// (PIPL art. 29 wants the sensitive-data consent on its own).
func (s *Service) GiveConsent(ctx context.Context, userID int64, in ConsentInput) (*model.Consent, error) {
	var bad []service.FieldError
	v := strings.TrimSpace(in.Version)
	if v == "" || len(v) > 32 {
		bad = append(bad, service.FieldError{Field: "version", Message: "请注明同意的告知书版本"})
	}
	for _, item := range []struct {
		field string
		val   *bool
	}{{"personal_info", in.PersonalInfo}, {"sensitive_info", in.SensitiveInfo}, {"share_upward", in.ShareUpward}} {
		if item.val == nil {
			bad = append(bad, service.FieldError{Field: item.field, Message: "请选择是否同意此项"})
		}
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	c := &model.Consent{ID: model.NewID(), UserID: userID, Version: v, PersonalInfo: *in.PersonalInfo,
		SensitiveInfo: *in.SensitiveInfo, ShareUpward: *in.ShareUpward, GivenAt: s.Now().UTC()}
	return c, s.consents.Create(ctx, c)
}

// Consent returns the user's current consent.
func (s *Service) Consent(ctx context.Context, userID int64) (*model.Consent, error) {
	c, err := s.consents.Current(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, service.E(service.KindNotFound, "您还没有同意个人信息处理告知书")
	}
	return c, err
}

// WithdrawConsent withdraws the user's consent: an open application is
// withdrawn and its uploads are deleted. A member on the roll must leave
// first (409), since the roll cannot be kept without the data.
func (s *Service) WithdrawConsent(ctx context.Context, userID int64) error {
	return model.InTx(ctx, s.DB, func(ctx context.Context) error {
		if _, err := s.members.OnRollForUser(ctx, userID); err == nil {
			return service.E(service.KindConflict, "您是在册会员，需先办理退会才能撤回同意")
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		n, err := s.consents.Withdraw(ctx, userID, s.Now().UTC())
		if err != nil {
			return err
		}
		if n == 0 {
			return service.E(service.KindNotFound, "您还没有同意个人信息处理告知书")
		}
		a, err := s.apps.Open(ctx, userID)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.withdraw(ctx, a)
	})
}

// withdraw ends an open application and schedules its files for deletion
// at once.
func (s *Service) withdraw(ctx context.Context, a *model.Application) error {
	now := s.Now().UTC()
	err := s.apps.Transition(ctx, a.ID, a.Version, model.OpenStatuses,
		map[string]any{"status": model.AppWithdrawn, "open_key": nil, "updated_at": now})
	if errors.Is(err, model.ErrConflict) {
		return errStale
	}
	if err != nil {
		return err
	}
	if err := s.counted(ctx, a, a.Status, model.AppWithdrawn, nil); err != nil {
		return err
	}
	return s.uploads.SetDeleteAfter(ctx, uploadIDs(a), &now)
}

// requireConsent checks the user's current consent covers what is needed.
func (s *Service) requireConsent(ctx context.Context, userID int64, complete bool) (*model.Consent, error) {
	c, err := s.consents.Current(ctx, userID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && complete && !c.Complete()) {
		return nil, service.InvalidField("consent", "请先阅读并同意个人信息处理告知书的全部三项")
	}
	return c, err
}
