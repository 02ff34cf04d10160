// Package identity logs workers in with WeChat, keeps their sessions and
// binds their WeChat-verified phone numbers (API.md §2, DESIGN §4).
//
// Sessions live in the sessions table (the truth) and are mirrored in the
// cache, so a request is authenticated without a database round trip and a
// revocation reaches every node at once. A flushed cache only sends nodes
// back to the table; it can never bring a revoked session back.
package identity

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/internal/memo"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
	"github.com/unionhub/unionhub/service/wechat"
)

// WeChat is what identity needs of the WeChat adapter.
type WeChat interface {
	Code2Session(ctx context.Context, code string) (wechat.Session, error)
	PhoneNumber(ctx context.Context, code string) (string, error)
}

// Config tunes the service.
type Config struct {
	AccessTTL  time.Duration // at most 2 h
	RefreshTTL time.Duration
	TokenKey   []byte // HMAC key of access tokens, at least 32 bytes
	Location   *time.Location
	// PhoneCallsPerDay caps the paid getPhoneNumber calls per user and
	// business day.
	PhoneCallsPerDay int
}

// Service is the identity domain.
type Service struct {
	db       *gorm.DB
	users    *model.UserStore
	sessions *model.SessionStore
	members  *model.MemberStore
	cache    cache.Cache
	wx       WeChat
	pii      *pii.Cipher
	limiter  *ratelimit.Limiter
	cfg      Config
	now      func() time.Time
	log      *slog.Logger
	// checked keeps the access tokens whose signature and claims checked
	// out, with what they say: a verifier at a counter sends the same
	// token with every scan. Expiry is still checked on every use.
	checked *memo.Memo[checkedAccess]
}

// New returns the identity service. now may be nil (time.Now).
func New(db *gorm.DB, c cache.Cache, wx WeChat, cipher *pii.Cipher, limiter *ratelimit.Limiter,
	cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.PhoneCallsPerDay == 0 {
		cfg.PhoneCallsPerDay = 5
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, users: model.NewUserStore(db), sessions: model.NewSessionStore(db), members: model.NewMemberStore(db),
		cache: c, wx: wx, pii: cipher, limiter: limiter, cfg: cfg, now: now, log: log,
		checked: memo.New[checkedAccess](checkedAccessTokens)}
}

// Principal is the authenticated caller of a request.
type Principal struct {
	UserID    int64
	SessionID int64
	// MemberHint is the user's member record on the roll when the token
	// was issued (0: none then). Only a hint, to find the card without a
	// lookup: whoever uses it checks it against the member's current state.
	MemberHint int64
}

// Tokens is what login and refresh hand out.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // seconds
	User         *model.User
}

// Login exchanges a wx.login code for a session. Errors: KindBadWeChatCode
// for an invalid or used code, KindRateLimited, KindUpstream.
func (s *Service) Login(ctx context.Context, code string) (*Tokens, error) {
	if code == "" {
		return nil, service.InvalidField("code", "缺少微信登录凭证")
	}
	ws, err := s.wx.Code2Session(ctx, code)
	if err != nil {
		return nil, wechatError(err)
	}
	var unionid *string
	if ws.UnionID != "" {
		unionid = &ws.UnionID
	}
	u, err := s.users.UpsertByOpenID(ctx, ws.OpenID, unionid)
	if err != nil {
		return nil, err
	}
	// Through the lock: an account closing at this moment revokes this
	// session with its others, or refuses it (the next login, with the
	// openid released, makes a new user).
	return s.StartSession(ctx, u.ID)
}

// StartSession opens a new session for the user and returns its tokens:
// an ordinary session (refresh, logout and revocation as for a WeChat
// login), for a login that was confirmed elsewhere, such as the console's
// scanned ticket. Errors: KindUnauthenticated when the user is gone or the
// account was closed (注销), also when it closes at the same moment.
func (s *Service) StartSession(ctx context.Context, userID int64) (*Tokens, error) {
	var tokens *Tokens
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		u, err := s.users.LockOpen(ctx, userID)
		if errors.Is(err, model.ErrNotFound) {
			return service.ErrUnauthenticated // gone, or closed (注销)
		}
		if err != nil {
			return err
		}
		tokens, err = s.startSession(ctx, u)
		return err
	})
	return tokens, err
}

func (s *Service) startSession(ctx context.Context, u *model.User) (*Tokens, error) {
	now := s.now().UTC()
	sid := model.NewID()
	refresh, hash := newRefreshToken(sid)
	sess := &model.Session{ID: sid, UserID: u.ID, RefreshHash: hash,
		RotatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL), CreatedAt: now}
	if err := s.sessions.Create(ctx, sess); err != nil {
		return nil, err
	}
	return s.issue(ctx, sess, refresh, u)
}

// Refresh rotates a refresh token. A token that was issued for the
// session and already spent, presented again, revokes the whole session: a
// copy of it is in someone else's hands (or two refreshes raced; clients
// serialise them). A token the session never issued (its id with any other
// secret) is refused and revokes nothing, so that knowing a session id is
// not enough to log its owner out.
func (s *Service) Refresh(ctx context.Context, token string) (*Tokens, error) {
	sid, ok := parseRefreshToken(token)
	if !ok {
		return nil, errRefreshInvalid
	}
	sess, err := s.sessions.Get(ctx, sid)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errRefreshInvalid
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if !sess.Active(now) {
		return nil, errRefreshInvalid
	}
	hash := hashToken(token)
	switch {
	case sess.IsCurrent(hash):
		next, nextHash := newRefreshToken(sess.ID)
		err := s.sessions.Rotate(ctx, sess, nextHash, now, now.Add(s.cfg.RefreshTTL))
		if errors.Is(err, model.ErrConflict) {
			// Spent meanwhile by a concurrent refresh (or the session
			// ended): the same token twice is a reuse.
			return nil, s.revokeReused(ctx, sess)
		}
		if err != nil {
			return nil, err
		}
		u, err := s.users.Get(ctx, sess.UserID)
		if err != nil {
			return nil, err
		}
		return s.issue(ctx, sess, next, u)
	case sess.WasSpent(hash):
		return nil, s.revokeReused(ctx, sess)
	default:
		s.log.InfoContext(ctx, "refresh token not issued by its session; refused, nothing revoked", "session_id", sess.ID)
		return nil, errRefreshInvalid
	}
}

// revokeReused ends the family of a session whose spent refresh token came
// back, and returns the refusal.
func (s *Service) revokeReused(ctx context.Context, sess *model.Session) error {
	if err := s.revoke(ctx, sess.ID, "refresh_reuse"); err != nil {
		return err
	}
	s.log.WarnContext(ctx, "spent refresh token presented; session revoked", "session_id", sess.ID, "user_id", sess.UserID)
	return errRefreshInvalid
}

// Logout ends the session at once, on every node.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	return s.revoke(ctx, p.SessionID, "logout")
}

// User returns the caller's user record.
func (s *Service) User(ctx context.Context, userID int64) (*model.User, error) {
	u, err := s.users.Get(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, service.ErrUnauthenticated
	}
	return u, err
}

// Phone returns the user's bound phone in clear ("" when none is bound).
func (s *Service) Phone(u *model.User) (string, error) {
	if u.PhoneEnc == nil {
		return "", nil
	}
	return s.pii.Decrypt(pii.UserPhone.Row(u.ID), *u.PhoneEnc)
}

func (s *Service) issue(ctx context.Context, sess *model.Session, refresh string, u *model.User) (*Tokens, error) {
	mid, err := s.members.OnRollIDForUser(ctx, sess.UserID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	access, err := s.signAccess(sess.UserID, sess.ID, mid)
	if err != nil {
		return nil, err
	}
	return &Tokens{AccessToken: access, RefreshToken: refresh,
		ExpiresIn: int(s.cfg.AccessTTL / time.Second), User: u}, nil
}

var (
	errRefreshInvalid = service.E(service.KindUnauthenticated, "登录状态已失效，请重新登录")
)

// wechatError turns an adapter error into a domain error.
func wechatError(err error) error {
	switch {
	case errors.Is(err, wechat.ErrInvalidCode):
		return service.Wrap(service.KindBadWeChatCode, "微信凭证无效或已使用，请重新操作", err)
	case errors.Is(err, wechat.ErrUserBlocked):
		return service.Wrap(service.KindForbidden, "微信提示您的账号存在风险，暂时无法登录", err)
	case errors.Is(err, wechat.ErrRateLimited):
		return &service.Error{Kind: service.KindRateLimited, Message: "操作太频繁，请稍后再试", RetryAfter: time.Minute, Err: err}
	default:
		return service.Wrap(service.KindUpstream, "微信服务暂时不可用，请稍后再试", err)
	}
}
