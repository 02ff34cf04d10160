// Package membership keeps the roll current (随时更新、有进有出、动态管理):
// admins' corrections and status changes, members' transfers between
// unions (会籍接转), leaving, and claiming a record a union entered.
package membership

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// CardInvalidator drops a member's cached card state after a change, so
// every node sees it at once.
type CardInvalidator interface {
	Invalidate(ctx context.Context, memberID int64) error
}

// StatsRecorder keeps the monitoring counters in step with the roll, in
// the change's transaction. before nil: joined the roll; after nil: left.
type StatsRecorder interface {
	MemberChanged(ctx context.Context, before, after *model.Member) error
}

// Deps are the service's collaborators; Cards, Stats, Notifier and Audit
// may be nil.
type Deps struct {
	DB       *gorm.DB
	PII      *pii.Cipher
	Limiter  *ratelimit.Limiter
	Cards    CardInvalidator
	Stats    StatsRecorder
	Notifier application.Notifier
	Audit    org.Auditor
	Now      func() time.Time
	Location *time.Location
	Log      *slog.Logger
}

// Service is the membership domain.
type Service struct {
	Deps
	members   *model.MemberStore
	transfers *model.TransferStore
	orgs      *model.OrgStore
	users     *model.UserStore
}

// New returns the membership service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{Deps: d, members: model.NewMemberStore(d.DB), transfers: model.NewTransferStore(d.DB),
		orgs: model.NewOrgStore(d.DB), users: model.NewUserStore(d.DB)}
}

// SetCards wires the card cache once it exists.
func (s *Service) SetCards(c CardInvalidator) { s.Cards = c }

// SetStats wires the counters once they exist.
func (s *Service) SetStats(r StatsRecorder) { s.Stats = r }

// SetNotifier wires the notifications.
func (s *Service) SetNotifier(n application.Notifier) { s.Notifier = n }

// SetAuditor wires the audit log.
func (s *Service) SetAuditor(a org.Auditor) { s.Audit = a }

// changed records a member change in the counters and the history, in the
// caller's transaction.
func (s *Service) changed(ctx context.Context, before, after *model.Member, ev *model.MembershipEvent) error {
	if s.Stats != nil {
		if err := s.Stats.MemberChanged(ctx, before, after); err != nil {
			return err
		}
	}
	if ev == nil {
		return nil
	}
	ev.ID, ev.CreatedAt = model.NewID(), s.Now().UTC()
	if code, ok := codes.NationalChangeType(ev.Type); ok {
		ev.NationalCode = &code
	}
	return s.members.AddEvent(ctx, ev)
}

// invalidate drops the member's card state once the transaction in ctx
// commits (model.AfterCommit), so no node serves the card as it was; a
// failure is logged (the cache entry expires on its own) rather than
// undoing the change.
func (s *Service) invalidate(ctx context.Context, memberID int64) {
	if s.Cards == nil {
		return
	}
	model.AfterCommit(ctx, func(ctx context.Context) {
		if err := s.Cards.Invalidate(ctx, memberID); err != nil {
			s.Log.ErrorContext(ctx, "card cache invalidation failed", "member_id", memberID, "err", err)
		}
	})
}

func (s *Service) record(ctx context.Context, e org.AuditEntry) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit.Record(ctx, e)
}

func (s *Service) notify(ctx context.Context, n application.Notice) error {
	if s.Notifier == nil {
		return nil
	}
	return s.Notifier.Notify(ctx, n)
}

// Reveal decrypts a member's ID number and phone, for masking.
func (s *Service) Reveal(m *model.Member) (idNumber, phone string, err error) {
	if idNumber, err = s.PII.Decrypt(pii.MemberIDNumber.Row(m.ID), m.IDNumberEnc); err != nil {
		return "", "", err
	}
	if m.PhoneEnc != nil {
		if phone, err = s.PII.Decrypt(pii.MemberPhone.Row(m.ID), *m.PhoneEnc); err != nil {
			return "", "", err
		}
	}
	return idNumber, phone, nil
}

func notFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return errMemberNotFound
	}
	return err
}

func onRoll(status string) bool {
	for _, st := range model.OnRollStatuses {
		if st == status {
			return true
		}
	}
	return false
}

var (
	errMemberNotFound = service.E(service.KindNotFound, "没有找到该会员")
	errStale          = service.E(service.KindConflict, "会员信息已被他人修改，请刷新后重试")
	errNotMember      = service.E(service.KindNotFound, "您还不是在册会员")
)
