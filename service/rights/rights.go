// Package rights serves the data subject's rights of correction and
// dispute (PIPL art. 46; API.md §10): a member — or an applicant with an
// open application — asks for a correction of their record or says a
// recorded change was not them (not_me); the admins of the union decide
// within 15 working days, and an approved correction is applied through
// the same path as an admin's correction.
package rights

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/pii"
)

// DueWorkingDays: a request is answered within this many working days,
// the submission date not counted (API.md §10).
const DueWorkingDays = 15

// Roll is the members' roll that a correction request changes
// (membership.Service).
type Roll interface {
	Get(ctx context.Context, sc access.Scope, id int64) (*model.Member, error)
	CheckCorrection(m *model.Member, c membership.Correction, prefix string) ([]string, error)
	CorrectTx(ctx context.Context, sc access.Scope, id int64, c membership.Correction) (*model.Member, error)
}

// Notifier tells a user (application.Notices), in the caller's
// transaction.
type Notifier interface {
	Notify(ctx context.Context, n application.Notice) error
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Notifier and Audit may be nil.
type Deps struct {
	DB       *gorm.DB
	PII      *pii.Cipher
	Members  Roll
	Notifier Notifier
	Audit    Auditor
	// Calendar counts the working days of due_on; nil is calendar.Default().
	Calendar *calendar.Calendar
}

// Service is the rights-request domain.
type Service struct {
	db       *gorm.DB
	pii      *pii.Cipher
	members  Roll
	notifier Notifier
	audit    Auditor
	calendar *calendar.Calendar
	now      func() time.Time
	loc      *time.Location // the business time zone
	log      *slog.Logger

	requests *model.RightsStore
	roll     *model.MemberStore
	apps     *model.ApplicationStore
}

// New returns the rights service.
func New(env service.Env, d Deps) *Service {
	env = env.WithDefaults()
	if d.Calendar == nil {
		d.Calendar = calendar.Default()
	}
	return &Service{db: d.DB, pii: d.PII, members: d.Members, notifier: d.Notifier, audit: d.Audit,
		calendar: d.Calendar, now: env.Now, loc: env.Location, log: env.Log,
		requests: model.NewRightsStore(d.DB), roll: model.NewMemberStore(d.DB),
		apps: model.NewApplicationStore(d.DB)}
}

// Today returns today's business date.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now().In(s.loc)) }

// Overdue reports whether r is still pending after its due date.
func (s *Service) Overdue(r *model.RightsRequest) bool {
	return r.Status == model.RightsPending && r.DueOn < s.Today().String()
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
	return s.notifier.Notify(ctx, n) // it reads the openid if a subscribe message goes
}

var (
	errNotFound   = service.E(service.KindNotFound, "没有找到该申请")
	errNoRecord   = service.E(service.KindNotFound, "您还没有会员记录或待审核的入会申请")
	errStale      = service.E(service.KindConflict, "该申请已被他人处理或修改，请刷新后重试")
	errNotPending = service.E(service.KindConflict, "该申请已处理")
)
