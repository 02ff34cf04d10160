// Package application is joining a union (入会申请) and its review (审核):
// the applicant's consents and form, the state machine draft → submitted →
// approved | rejected | returned (returned → submitted; open → withdrawn),
// and approval, which puts the applicant on the roll.
package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Notice is what a user is told: an in-app notice and, when the user's
// openid and a template are known, a WeChat subscribe message.
type Notice struct {
	UserID       int64
	Kind         string
	Title, Body  string
	Data         map[string]any
	OpenID       string
	Page         string
	TemplateData map[string]string
}

// Notifier records notices in the caller's transaction (delivery happens
// later, from an outbox), so telling never blocks or rolls back a decision.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Counters keeps the monitoring counters in step with applications, in
// the change's transaction: from → to is the status move ("" for a new
// application), joined the member an approval put on the roll;
// ApplicationAssigned moves a submitted application's pending count from
// org from to its current org.
type Counters interface {
	ApplicationMoved(ctx context.Context, a *model.Application, o *model.Org, from, to string, joined *model.Member) error
	ApplicationAssigned(ctx context.Context, a *model.Application, from int64) error
}

// ContentChecker queues a check of the applicant's free text after
// submission; it must not call WeChat in the request.
type ContentChecker interface {
	QueueCheck(ctx context.Context, applicationID int64) error
}

// Files deletes uploaded files at once (upload.Service).
type Files interface {
	Purge(ctx context.Context, ids []int64) error
}

// Deps are the service's collaborators. Notifier, Audit, Checker and Files
// may be nil (nothing is told, recorded, checked or deleted before the
// hourly cleanup); Notice nil is the built-in notice.
type Deps struct {
	DB       *gorm.DB
	PII      *pii.Cipher
	Notifier Notifier
	Audit    Auditor
	Checker  ContentChecker
	Stats    Counters
	Files    Files
	// Notice is the current privacy notice: consents must name its version.
	Notice *privacy.Notice
	// Limiter bounds how many ID numbers a user may try against the roll
	// (probe.go); nil means no bound.
	Limiter *ratelimit.Limiter
	// Calendar counts the working days of review deadlines; nil is
	// calendar.Default().
	Calendar *calendar.Calendar
}

// Config tunes the service.
type Config struct {
	// IDImageRetention: ID-card images are deleted this long after the
	// decision; 0 means 30 days.
	IDImageRetention time.Duration
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Service is the application domain.
type Service struct {
	db               *gorm.DB
	pii              *pii.Cipher
	notifier         Notifier
	audit            Auditor
	checker          ContentChecker
	stats            Counters
	files            Files
	notice           *privacy.Notice
	limiter          *ratelimit.Limiter
	calendar         *calendar.Calendar
	idImageRetention time.Duration
	now              func() time.Time
	loc              *time.Location
	log              *slog.Logger

	apps     *model.ApplicationStore
	members  *model.MemberStore
	orgs     *model.OrgStore
	users    *model.UserStore
	consents *model.ConsentStore
	uploads  *model.UploadStore
	idem     *model.IdempotencyStore
	events   *model.ApplicationEventStore
	roles    *model.RoleStore
}

// New returns the application service.
func New(env service.Env, d Deps, cfg Config) *Service {
	env = env.WithDefaults()
	if d.Notice == nil {
		d.Notice = privacy.Default()
	}
	if d.Calendar == nil {
		d.Calendar = calendar.Default()
	}
	if cfg.IDImageRetention == 0 {
		cfg.IDImageRetention = 30 * 24 * time.Hour
	}
	return &Service{db: d.DB, pii: d.PII, notifier: d.Notifier, audit: d.Audit, checker: d.Checker, stats: d.Stats,
		files: d.Files, notice: d.Notice, limiter: d.Limiter, calendar: d.Calendar,
		idImageRetention: cfg.IDImageRetention, now: env.Now, loc: env.Location, log: env.Log,
		apps: model.NewApplicationStore(d.DB), members: model.NewMemberStore(d.DB),
		orgs: model.NewOrgStore(d.DB), users: model.NewUserStore(d.DB), consents: model.NewConsentStore(d.DB),
		uploads: model.NewUploadStore(d.DB), idem: model.NewIdempotencyStore(d.DB),
		events: model.NewApplicationEventStore(d.DB), roles: model.NewRoleStore(d.DB)}
}

// MembersOnRoll counts a union's members on the roll.
func (s *Service) MembersOnRoll(ctx context.Context, orgID int64) (int64, error) {
	return s.members.CountOnRoll(ctx, orgID)
}

// counted moves the counters with an application, when they are wired; o
// is a's union when loaded (nil: the counters read it).
func (s *Service) counted(ctx context.Context, a *model.Application, o *model.Org, from, to string, joined *model.Member) error {
	if s.stats == nil {
		return nil
	}
	return s.stats.ApplicationMoved(ctx, a, o, from, to, joined)
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}

func (s *Service) notify(ctx context.Context, n Notice) error {
	if s.notifier == nil {
		return nil
	}
	return s.notifier.Notify(ctx, n)
}

func notFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return errAppNotFound
	}
	return err
}

var (
	errAppNotFound = service.E(service.KindNotFound, "没有找到该申请")
	errStale       = service.E(service.KindConflict, "申请状态已变化，请刷新后重试")
	errOpenExists  = service.E(service.KindOpenApplication, "您已有一份正在办理的入会申请，请先查看或撤回它")
)
