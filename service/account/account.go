// Package account cancels accounts (注销, API.md §10): a user asks, has
// seven days to change their mind, and then a leased background task
// closes the account and deletes what §10 lists. WeChat's
// user_authorization_cancellation asks the same with no cooling-off. The
// package also runs the retention of closed applications (retention.go).
package account

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// CoolingOff is how long a user's request waits before it is carried out
// (API.md §10: seven days to change one's mind).
const CoolingOff = 7 * 24 * time.Hour

// Sessions ends every session of a user (identity.Service).
type Sessions interface {
	RevokeAll(ctx context.Context, userID int64, reason string) error
}

// Processing ends what is in progress for the user, in the caller's
// transaction, and returns the files made due (application.Service).
type Processing interface {
	CloseForAccount(ctx context.Context, userID int64) ([]int64, error)
}

// Roll takes the user's member record off the roll through the status
// path, in the caller's transaction (membership.Service).
type Roll interface {
	LeaveForAccount(ctx context.Context, userID int64) (int64, error)
}

// Files deletes uploads that are due (upload.Service).
type Files interface {
	Purge(ctx context.Context, ids []int64) error
}

// JobFiles deletes a job's file (jobfile.Store).
type JobFiles interface {
	Delete(ctx context.Context, jobID int64) error
}

// Cards drops a member's cached card state (card.Service).
type Cards interface {
	Invalidate(ctx context.Context, memberID int64) error
}

// Counters forgets a user's rate-limit counts (ratelimit.Limiter).
type Counters interface {
	Forget(ctx context.Context, key string, w ratelimit.Window, since time.Time, members ...string) error
}

// Roles drops the cached role bindings of users whose bindings change
// (org.Service), in the changing transaction.
type Roles interface {
	ForgetRoles(ctx context.Context, userIDs ...int64) error
}

// KeyDeleter deletes cache keys (cache.Cache).
type KeyDeleter interface {
	Delete(ctx context.Context, keys ...string) error
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Deps are the service's collaborators; Audit may be nil.
type Deps struct {
	DB       *gorm.DB
	Sessions Sessions
	Apps     Processing
	Roll     Roll
	Files    Files
	JobFiles JobFiles
	Cards    Cards
	Counters Counters
	Cache    KeyDeleter
	Roles    Roles
	Audit    Auditor
}

// Config tunes the service; the zero value is production's.
type Config struct {
	// CoolingOff overrides CoolingOff (0: the constant).
	CoolingOff time.Duration
	// ClosedApplicationRetention: a withdrawn or rejected application's
	// personal data is erased this long after it closed; 0 is 180 days.
	ClosedApplicationRetention time.Duration
	// AfterStep, when set, runs after each committed step of a deletion
	// (tests stop a node there).
	AfterStep func(ctx context.Context, step string)
}

// Service takes and carries out account cancellations.
type Service struct {
	db       *gorm.DB
	sessions Sessions
	apps     Processing
	roll     Roll
	files    Files
	jobFiles JobFiles
	cards    Cards
	counters Counters
	cache    KeyDeleter
	roles    Roles
	audit    Auditor
	cfg      Config
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger

	requests *model.DeactivationStore
	accounts *model.AccountStore
	consents *model.ConsentStore
}

// New returns the service.
func New(env service.Env, d Deps, cfg Config) *Service {
	env = env.WithDefaults()
	if cfg.CoolingOff <= 0 {
		cfg.CoolingOff = CoolingOff
	}
	if cfg.ClosedApplicationRetention <= 0 {
		cfg.ClosedApplicationRetention = 180 * 24 * time.Hour
	}
	return &Service{db: d.DB, sessions: d.Sessions, apps: d.Apps, roll: d.Roll, files: d.Files, jobFiles: d.JobFiles,
		cards: d.Cards, counters: d.Counters, cache: d.Cache, roles: d.Roles, audit: d.Audit, cfg: cfg,
		now: env.Now, loc: env.Location, log: env.Log,
		requests: model.NewDeactivationStore(d.DB), accounts: model.NewAccountStore(d.DB),
		consents: model.NewConsentStore(d.DB)}
}

// Request is a user's request to cancel their account.
type Request struct {
	Reason string
	// Leave also takes the member record off the roll (status left);
	// without it the record stays on the roll, unlinked from the account.
	Leave bool
}

// maxReason bounds the reason, in characters.
const maxReason = 500

// Deactivation is a live request as its user sees it.
type Deactivation struct {
	// Status is model.DeactivationPending (cancellable until EffectiveAt)
	// or model.DeactivationRunning (being carried out).
	Status      string
	Source      string // model.DeactivationSourceUser or …WeChat
	Leave       bool
	RequestedAt time.Time
	EffectiveAt time.Time
}

func view(r *model.DeactivationRequest) *Deactivation {
	return &Deactivation{Status: r.Status, Source: r.Source, Leave: r.LeaveRoll, RequestedAt: r.RequestedAt,
		EffectiveAt: r.EffectiveAt}
}

// Ask records the user's request, effective after the cooling-off, and
// returns it; created is false when a request was already pending (that
// one is returned unchanged).
func (s *Service) Ask(ctx context.Context, userID int64, in Request) (d *Deactivation, created bool, err error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReason {
		return nil, false, service.InvalidField("reason", "请填写注销原因（不超过500字）")
	}
	if err := codes.CheckText(reason, "注销原因"); err != nil {
		return nil, false, service.InvalidField("reason", err.Error())
	}
	now := s.now().UTC()
	r := &model.DeactivationRequest{ID: model.NewID(), UserID: userID, RequestedAt: now,
		EffectiveAt: now.Add(s.cfg.CoolingOff), Source: model.DeactivationSourceUser,
		Status: model.DeactivationPending, Reason: &reason, LeaveRoll: in.Leave}
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.requests.Create(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, userID, userID, "account.deactivation_requested", map[string]any{"leave": in.Leave,
			"effective_at": r.EffectiveAt.Format(time.RFC3339)})
	})
	if errors.Is(err, model.ErrDuplicate) {
		live, err := s.Pending(ctx, userID)
		if err != nil {
			return nil, false, err
		}
		if live == nil {
			return nil, false, service.E(service.KindConflict, "注销申请状态已变化，请刷新后重试")
		}
		return live, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return view(r), true, nil
}

// Pending returns the user's live request, or nil.
func (s *Service) Pending(ctx context.Context, userID int64) (*Deactivation, error) {
	rs, err := s.requests.Pending(ctx, userID)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return view(&rs[0]), nil
}

// errNonePending: DELETE /me/deactivation without a pending request.
var errNonePending = service.E(service.KindNotFound, "您没有待生效的注销申请")

// Cancel cancels the user's pending request (404 when there is none).
func (s *Service) Cancel(ctx context.Context, userID int64) error {
	return model.InTx(ctx, s.db, func(ctx context.Context) error {
		err := s.requests.Cancel(ctx, userID, s.now().UTC())
		if errors.Is(err, model.ErrNotFound) {
			return errNonePending
		}
		if err != nil {
			return err
		}
		return s.record(ctx, userID, userID, "account.deactivation_cancelled", nil)
	})
}

// record writes an audit entry about userID's account; it names no
// personal data.
func (s *Service) record(ctx context.Context, actor, userID int64, action string, detail map[string]any) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, audit.Entry{ActorID: actor, Action: action, Target: "user:" + itoa(userID), Detail: detail})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
