package application

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// ConsentInput is a consent as the user gives it.
type ConsentInput struct {
	Version                                  string
	PersonalInfo, SensitiveInfo, ShareUpward *bool
}

// GiveConsent records a consent to the current notice. Each item is a
// separate yes or no (PIPL art. 29 wants the sensitive-data consent on its
// own). An item the current consent gives and this one refuses is a
// withdrawal of it, with WithdrawConsent's effects (API.md §2); refusing
// an item never given withdraws nothing.
func (s *Service) GiveConsent(ctx context.Context, userID int64, in ConsentInput) (*model.Consent, error) {
	var bad []service.FieldError
	if in.Version != s.notice.Version {
		bad = append(bad, service.FieldError{Field: "version",
			Message: "请阅读并同意当前版本（" + s.notice.Version + "）的个人信息处理告知书"})
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
	c := &model.Consent{ID: model.NewID(), UserID: userID, Version: in.Version, PersonalInfo: *in.PersonalInfo,
		SensitiveInfo: *in.SensitiveInfo, ShareUpward: *in.ShareUpward, GivenAt: s.now().UTC()}
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		prev, err := s.consents.Current(ctx, userID)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if prev != nil && withdraws(prev, c) {
			if err := s.endProcessing(ctx, userID); err != nil {
				return err
			}
		}
		return s.consents.Create(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// withdraws reports whether next refuses an item that prev gives.
func withdraws(prev, next *model.Consent) bool {
	return (prev.PersonalInfo && !next.PersonalInfo) || (prev.SensitiveInfo && !next.SensitiveInfo) ||
		(prev.ShareUpward && !next.ShareUpward)
}

// Consent returns the user's current consent.
func (s *Service) Consent(ctx context.Context, userID int64) (*model.Consent, error) {
	c, err := s.consents.Current(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, service.E(service.KindNotFound, "您还没有同意个人信息处理告知书")
	}
	return c, err
}

// ConsentCurrent reports whether the user's current consent names the
// current notice's version (false without a consent).
func (s *Service) ConsentCurrent(ctx context.Context, userID int64) (bool, error) {
	c, err := s.consents.Current(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	return err == nil && c.Version == s.notice.Version, err
}

// WithdrawConsent withdraws the user's consent: an open application is
// withdrawn and the user's files are deleted at once. A member on the roll
// must leave first (409), since the roll cannot be kept without the data.
func (s *Service) WithdrawConsent(ctx context.Context, userID int64) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.endProcessing(ctx, userID); err != nil {
			return err
		}
		n, err := s.consents.Withdraw(ctx, userID, s.now().UTC())
		if err != nil {
			return err
		}
		if n == 0 {
			return service.E(service.KindNotFound, "您还没有同意个人信息处理告知书")
		}
		return nil
	})
}

// endProcessing is what any withdrawal does, in its transaction: a member
// on the roll is refused (409); the open application is withdrawn; every
// file of the user is due now, so no read serves it from this moment, and
// is deleted once the transaction commits. What the reviewers may still
// read of past applications is decided at each read (Withheld).
func (s *Service) endProcessing(ctx context.Context, userID int64) error {
	if _, err := s.members.OnRollIDForUser(ctx, userID); err == nil {
		return service.E(service.KindConflict, "您是在册会员，需先办理退会才能撤回同意")
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	a, err := s.apps.Open(ctx, userID)
	switch {
	case err == nil:
		if err := s.withdraw(ctx, a); err != nil {
			return err
		}
	case !errors.Is(err, model.ErrNotFound):
		return err
	}
	due, err := s.uploads.ExpireOwned(ctx, userID, s.now().UTC())
	if err != nil {
		return err
	}
	model.AfterCommit(ctx, func(ctx context.Context) { s.purge(ctx, due) })
	return nil
}

// purge deletes files made due by a committed withdrawal. A failure is
// logged, not returned: the files are already unreadable, and the hourly
// cleanup deletes what is left.
func (s *Service) purge(ctx context.Context, ids []int64) {
	if s.files == nil || len(ids) == 0 {
		return
	}
	if err := s.files.Purge(ctx, ids); err != nil {
		s.log.WarnContext(ctx, "files of a withdrawal left to the cleanup", "files", len(ids), "err", err)
	}
}

// withdraw ends an open application and makes its files due at once.
func (s *Service) withdraw(ctx context.Context, a *model.Application) error {
	now := s.now().UTC()
	err := s.apps.Transition(ctx, a.ID, a.Version, model.OpenStatuses,
		map[string]any{"status": model.AppWithdrawn, "open_key": nil, "updated_at": now})
	if errors.Is(err, model.ErrConflict) {
		return errStale
	}
	if err != nil {
		return err
	}
	if err := s.counted(ctx, a, nil, a.Status, model.AppWithdrawn, nil); err != nil {
		return err
	}
	if err := s.logMove(ctx, a, a.Version+1, model.EventWithdrawn, a.OrgID, ""); err != nil {
		return err
	}
	return s.uploads.SetDeleteAfter(ctx, uploadIDs(a), &now)
}

// requireConsent checks the user's current consent names the current
// notice and covers what is needed.
func (s *Service) requireConsent(ctx context.Context, userID int64, complete bool) (*model.Consent, error) {
	c, err := s.consents.Current(ctx, userID)
	switch {
	case err == nil && c.Version != s.notice.Version:
		return nil, service.InvalidField("consent", "个人信息处理告知书已更新，请重新阅读并同意")
	case errors.Is(err, model.ErrNotFound) || (err == nil && complete && !c.Complete()):
		return nil, service.InvalidField("consent", "请先阅读并同意个人信息处理告知书的全部三项")
	}
	return c, err
}
