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
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
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

// Notifier tells a member (application.Notices), in the caller's
// transaction.
type Notifier interface {
	Notify(ctx context.Context, n application.Notice) error
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Cards, Stats, Notifier and Audit
// may be nil.
type Deps struct {
	DB       *gorm.DB
	PII      *pii.Cipher
	Limiter  *ratelimit.Limiter
	Cards    CardInvalidator
	Stats    StatsRecorder
	Notifier Notifier
	Audit    Auditor
}

// Service is the membership domain.
type Service struct {
	db       *gorm.DB
	pii      *pii.Cipher
	limiter  *ratelimit.Limiter
	cards    CardInvalidator
	stats    StatsRecorder
	notifier Notifier
	audit    Auditor
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger

	members   *model.MemberStore
	transfers *model.TransferStore
	orgs      *model.OrgStore
	users     *model.UserStore
}

// New returns the membership service.
func New(env service.Env, d Deps) *Service {
	env = env.WithDefaults()
	return &Service{db: d.DB, pii: d.PII, limiter: d.Limiter, cards: d.Cards, stats: d.Stats, notifier: d.Notifier,
		audit: d.Audit, now: env.Now, loc: env.Location, log: env.Log,
		members: model.NewMemberStore(d.DB), transfers: model.NewTransferStore(d.DB),
		orgs: model.NewOrgStore(d.DB), users: model.NewUserStore(d.DB)}
}

// changed records a member change in the counters and the history, in the
// caller's transaction.
func (s *Service) changed(ctx context.Context, before, after *model.Member, ev *model.MembershipEvent) error {
	if s.stats != nil {
		if err := s.stats.MemberChanged(ctx, before, after); err != nil {
			return err
		}
	}
	if ev == nil {
		return nil
	}
	ev.ID, ev.CreatedAt = model.NewID(), s.now().UTC()
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
	if s.cards == nil {
		return
	}
	model.AfterCommit(ctx, func(ctx context.Context) {
		if err := s.cards.Invalidate(ctx, memberID); err != nil {
			s.log.ErrorContext(ctx, "card cache invalidation failed", "member_id", memberID, "err", err)
		}
	})
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}

func (s *Service) notify(ctx context.Context, n application.Notice) error {
	if s.notifier == nil {
		return nil
	}
	return s.notifier.Notify(ctx, n)
}

// Reveal decrypts a member's ID number and phone, for masking.
func (s *Service) Reveal(m *model.Member) (idNumber, phone string, err error) {
	if idNumber, err = s.pii.Decrypt(pii.MemberIDNumber.Row(m.ID), m.IDNumberEnc); err != nil {
		return "", "", err
	}
	if m.PhoneEnc != nil {
		if phone, err = s.pii.Decrypt(pii.MemberPhone.Row(m.ID), *m.PhoneEnc); err != nil {
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
