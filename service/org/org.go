// Package org is the organisation tree of the provincial plan (省总 → 市州 /
// 产业 / 直属 → 县区 → 基层工会), the role bindings and invitations that say
// who may act where, and the data scope every admin request is held to.
package org

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/internal/memo"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// OrgCounter keeps the monitoring counters (grassroots unions, workers)
// in step with the tree, in the change's transaction: before nil for a
// new org.
type OrgCounter interface {
	OrgChanged(ctx context.Context, before, after *model.Org) error
}

// QRCoder makes mini-program codes (WeChat's getwxacodeunlimit).
type QRCoder interface {
	WXACodeUnlimit(ctx context.Context, scene, page string, width int) ([]byte, string, error)
}

// Auditor records who did what (audit.Service); nil records nothing.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Config tunes the service.
type Config struct {
	InvitationTTL time.Duration // default 7 days
	// JoinPage is the mini-program page a join code opens.
	JoinPage string
}

// Service is the org domain.
type Service struct {
	db          *gorm.DB
	orgs        *model.OrgStore
	roles       *model.RoleStore
	invitations *model.InvitationStore
	jobs        *jobs.Queue // dissolution jobs
	cache       cache.Cache
	limiter     *ratelimit.Limiter
	qr          QRCoder
	roll        *model.MemberStore // a union with members on the roll cannot be dissolved
	counter     OrgCounter
	audit       Auditor
	cfg         Config
	now         func() time.Time
	log         *slog.Logger
	// decoded keeps the decoding of the cached bindings values seen
	// lately: the value is read from the cache on every request, only its
	// JSON is not decoded again.
	decoded *memo.Memo[[]access.Binding]
}

// decodedBindings bounds the memo of decoded bindings values.
const decodedBindings = 4096

// Deps are the collaborators of the service.
type Deps struct {
	DB      *gorm.DB
	Cache   cache.Cache
	Limiter *ratelimit.Limiter
	QR      QRCoder
	Counter OrgCounter // nil: no monitoring counters
	Audit   Auditor    // nil: nothing recorded
}

// New returns the org service.
func New(env service.Env, d Deps, cfg Config) *Service {
	env = env.WithDefaults()
	if cfg.InvitationTTL == 0 {
		cfg.InvitationTTL = 7 * 24 * time.Hour
	}
	if cfg.JoinPage == "" {
		cfg.JoinPage = "pages/join/index"
	}
	return &Service{db: d.DB, orgs: model.NewOrgStore(d.DB), roles: model.NewRoleStore(d.DB),
		invitations: model.NewInvitationStore(d.DB), jobs: jobs.NewQueue(d.DB, env.Now), cache: d.Cache, limiter: d.Limiter, qr: d.QR,
		roll: model.NewMemberStore(d.DB), counter: d.Counter, audit: d.Audit, cfg: cfg, now: env.Now, log: env.Log,
		decoded: memo.New[[]access.Binding](decodedBindings)}
}

// counted tells the counters of an org change, when they are wired.
func (s *Service) counted(ctx context.Context, before, after *model.Org) error {
	if s.counter == nil {
		return nil
	}
	return s.counter.OrgChanged(ctx, before, after)
}

// Scope resolves the caller's live bindings, from the shared cache that
// every change to them clears in its own transaction (rolecache.go), so a
// revoked role stops working at once on every node.
func (s *Service) Scope(ctx context.Context, userID int64) (access.Scope, error) {
	bs, err := s.liveBindings(ctx, userID)
	if err != nil {
		return access.Scope{}, err
	}
	sc := access.Scope{UserID: userID}
	if len(bs) > 0 {
		sc.Bindings = bs
	}
	return sc, nil
}

// UserRoles lists the user's live bindings with their orgs (for /me).
func (s *Service) UserRoles(ctx context.Context, userID int64) ([]model.BindingWithOrg, error) {
	return s.roles.ActiveForUser(ctx, userID)
}

// inScope loads org id when the caller may take action on it; 404 when it
// does not exist or lies outside the scope.
func (s *Service) inScope(ctx context.Context, sc access.Scope, action access.Action, id int64) (*model.Org, error) {
	o, err := s.orgs.GetInScope(ctx, id, sc.Paths(action))
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	return o, err
}

func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, e)
}

func (s *Service) membersOnRoll(ctx context.Context, orgID int64) (int64, error) {
	return s.roll.CountOnRoll(ctx, orgID)
}

var (
	errOrgNotFound = service.E(service.KindNotFound, "没有找到该组织")
	errDissolved   = service.E(service.KindConflict, "该组织已撤销")
)
