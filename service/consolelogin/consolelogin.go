// Package consolelogin logs the web console in by a scan with the
// mini-program (API.md §12, 扫码登录): the console asks for a ticket and
// shows its mini-program code; an admin scans it and confirms in the
// mini-program; the console, polling, is handed an ordinary session of that
// admin exactly once.
//
// Tickets live only in the cache (Redis across nodes, or the in-process
// one), never in clear: the keys are hashes of the ticket. No token is ever
// stored: the session is opened at hand-over, by the one poll that claims
// the confirmed ticket (SetNX), so concurrent polls on any number of nodes
// get it once between them.
package consolelogin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/identity"
	"github.com/unionhub/unionhub/service/wechat"
)

// Defaults of Config.
const (
	// DefaultPage is the mini-program page a ticket's code opens.
	DefaultPage = "pages/console-login/index"
	// DefaultTTL is a ticket's life, from creation: scan, confirm and
	// hand-over all happen within it.
	DefaultTTL = 2 * time.Minute
	// ScenePrefix starts a ticket's scene ("t=<ticket>", 24 characters;
	// WeChat allows 32).
	ScenePrefix = "t="
)

// ticketBytes is a ticket's randomness: 128 bits, 22 URL-safe characters.
const ticketBytes = 16

// QRCoder makes mini-program codes (WeChat's getwxacodeunlimit).
type QRCoder interface {
	WXACodeUnlimit(ctx context.Context, scene, page string, width int) ([]byte, string, error)
}

// Sessions opens the session handed over to the console.
type Sessions interface {
	StartSession(ctx context.Context, userID int64) (*identity.Tokens, error)
}

// Auditor records the console login.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Config tunes the service; zero values take the defaults, but for Key.
type Config struct {
	// Key (at least 32 bytes; the node passes its token key) seals each
	// confirmation in the cache, so that whoever can write the cache but
	// holds no key cannot confirm a ticket as someone else and be handed
	// their session.
	Key  []byte
	Page string
	TTL  time.Duration
	// Width is the code's width in pixels (WeChat's default 430).
	Width int
}

// Service issues, confirms and hands over login tickets.
type Service struct {
	db       *gorm.DB
	cache    cache.Cache
	qr       QRCoder
	sessions Sessions
	audit    Auditor
	cfg      Config
	now      func() time.Time
	log      *slog.Logger
	sealKey  []byte // derived from cfg.Key
}

// New returns the service. The session and its audit row are written in
// one transaction on db. now may be nil (time.Now), log nil (the default).
func New(db *gorm.DB, c cache.Cache, qr QRCoder, sessions Sessions, aud Auditor, cfg Config,
	now func() time.Time, log *slog.Logger) *Service {
	if cfg.Page == "" {
		cfg.Page = DefaultPage
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Width == 0 {
		cfg.Width = 430
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	mac := hmac.New(sha256.New, cfg.Key)
	mac.Write([]byte("unionhub console login confirmation v1")) // its own key, derived: one key, one purpose
	return &Service{db: db, cache: c, qr: qr, sessions: sessions, audit: aud, cfg: cfg, now: now, log: log,
		sealKey: mac.Sum(nil)}
}

// Ticket is a new login ticket.
type Ticket struct {
	Ticket string
	// QRCode is the mini-program code as a data URL (data:image/png;base64,…).
	QRCode    string
	ExpiresAt time.Time
}

// Create issues a ticket and its mini-program code. Errors: KindRateLimited
// or KindUpstream from WeChat, KindUnavailable from the cache.
func (s *Service) Create(ctx context.Context) (Ticket, error) {
	var raw [ticketBytes]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	t := base64.RawURLEncoding.EncodeToString(raw[:])
	img, ct, err := s.qr.WXACodeUnlimit(ctx, ScenePrefix+t, s.cfg.Page, s.cfg.Width)
	if err != nil {
		if errors.Is(err, wechat.ErrRateLimited) {
			return Ticket{}, service.RateLimited("微信接口调用太频繁，请稍后再试", time.Minute)
		}
		return Ticket{}, service.Wrap(service.KindUpstream, "微信服务暂时不可用，请稍后再试", err)
	}
	url, err := pngDataURL(img, ct)
	if err != nil {
		return Ticket{}, service.Wrap(service.KindUpstream, "微信返回的小程序码无法识别，请稍后再试", err)
	}
	exp := s.now().Add(s.cfg.TTL)
	if err := s.cache.Set(ctx, key(t, ""), strconv.FormatInt(exp.UnixNano(), 10), s.cfg.TTL); err != nil {
		return Ticket{}, unavailable(err)
	}
	return Ticket{Ticket: t, QRCode: url, ExpiresAt: exp}, nil
}

// Confirm records that userID, holding an admin role at orgID, lets the
// console that shows ticket log in as them. Confirming again as the same
// user is no error. Errors: KindNotFound for an unknown, expired or
// handed-over ticket; KindConflict when another user confirmed it first.
func (s *Service) Confirm(ctx context.Context, ticket string, userID, orgID int64) error {
	remaining, err := s.live(ctx, ticket)
	if err != nil {
		return err
	}
	if len(s.cfg.Key) < 32 {
		return errNoKey
	}
	by := s.seal(ticket, strconv.FormatInt(userID, 10)+":"+strconv.FormatInt(orgID, 10))
	won, err := s.cache.SetNX(ctx, key(ticket, "ok"), by, remaining)
	if err != nil {
		return unavailable(err)
	}
	if won {
		return nil
	}
	prev, err := s.cache.Get(ctx, key(ticket, "ok"))
	switch {
	case errors.Is(err, cache.ErrMiss):
		return errGone // handed over meanwhile
	case err != nil:
		return unavailable(err)
	}
	if u, _, ok := s.open(ticket, prev); ok && u == userID {
		return nil
	}
	return service.E(service.KindConflict, "该二维码已由其他账号确认，请在电脑上刷新二维码")
}

// Poll is the state of a ticket as the console sees it.
type Poll struct {
	// Tokens are set once the ticket is confirmed; that poll ends it.
	Tokens *identity.Tokens
}

// Poll answers the console: pending (zero Poll) until confirmed, then the
// session once, then KindNotFound, as for an unknown or expired ticket.
func (s *Service) Poll(ctx context.Context, ticket string) (Poll, error) {
	remaining, err := s.live(ctx, ticket)
	if err != nil {
		return Poll{}, err
	}
	by, err := s.cache.Get(ctx, key(ticket, "ok"))
	switch {
	case errors.Is(err, cache.ErrMiss):
		// Pending, unless another poll handed it over between our two
		// reads (it claims before it deletes).
		if _, err := s.cache.Get(ctx, key(ticket, "done")); err == nil {
			return Poll{}, errGone
		} else if !errors.Is(err, cache.ErrMiss) {
			return Poll{}, unavailable(err)
		}
		return Poll{}, nil
	case err != nil:
		return Poll{}, unavailable(err)
	}
	userID, orgID, ok := s.open(ticket, by)
	if !ok {
		s.log.WarnContext(ctx, "console login confirmation in the cache fails its seal; ticket refused", "ticket", fingerprint(ticket))
		return Poll{}, errGone
	}
	// The one poll that sets the claim hands the session over; every
	// other, on any node, finds the ticket used.
	won, err := s.cache.SetNX(ctx, key(ticket, "done"), "1", remaining)
	if err != nil {
		return Poll{}, unavailable(err)
	}
	if !won {
		return Poll{}, errGone
	}
	var tokens *identity.Tokens
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if tokens, err = s.sessions.StartSession(ctx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{ActorID: userID, OrgID: orgID, Action: "console.login",
			Target: "user:" + strconv.FormatInt(userID, 10), Detail: map[string]any{"ticket": fingerprint(ticket)}})
	})
	if service.KindOf(err) == service.KindUnauthenticated {
		// The confirming account closed (注销) meanwhile: the ticket ends
		// unused, and the claim stays so no later poll tries again.
		_ = s.cache.Delete(ctx, key(ticket, ""), key(ticket, "ok"))
		return Poll{}, errGone
	}
	if err != nil {
		// Nothing was handed over: free the claim, so the next poll tries
		// again while the ticket lives.
		_ = s.cache.Delete(ctx, key(ticket, "done"))
		return Poll{}, err
	}
	if err := s.cache.Delete(ctx, key(ticket, ""), key(ticket, "ok")); err != nil {
		s.log.WarnContext(ctx, "console login ticket not deleted; its claim still ends it", "ticket", fingerprint(ticket), "err", err)
	}
	return Poll{Tokens: tokens}, nil
}

// live returns how long ticket has left, or errGone. The expiry is checked
// against the clock too, not only the cache's TTL.
func (s *Service) live(ctx context.Context, ticket string) (time.Duration, error) {
	if !wellFormed(ticket) {
		return 0, errGone
	}
	v, err := s.cache.Get(ctx, key(ticket, ""))
	switch {
	case errors.Is(err, cache.ErrMiss):
		return 0, errGone
	case err != nil:
		return 0, unavailable(err)
	}
	exp, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("consolelogin: ticket expiry %q: %w", v, err)
	}
	remaining := time.Unix(0, exp).Sub(s.now())
	if remaining <= 0 {
		return 0, errGone
	}
	return remaining, nil
}

var errNoKey = errors.New("consolelogin: no key (at least 32 bytes)")

var errGone = service.E(service.KindNotFound, "登录二维码已失效，请在电脑上刷新二维码")

func unavailable(err error) error {
	return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
}

// key is the cache key of a ticket's part: the pending ticket (""), its
// confirmation ("ok") or its hand-over claim ("done"). It holds a hash, so
// the cache never holds a live ticket in clear.
func key(ticket, part string) string {
	sum := sha256.Sum256([]byte(ticket))
	k := "clt:" + hex.EncodeToString(sum[:16])
	if part != "" {
		k += ":" + part
	}
	return k
}

// fingerprint is a short, one-way name of a ticket for logs and the audit.
func fingerprint(ticket string) string {
	sum := sha256.Sum256([]byte(ticket))
	return hex.EncodeToString(sum[:4])
}

// wellFormed reports whether t can be a ticket: 22 URL-safe base64 characters.
func wellFormed(t string) bool {
	if len(t) != base64.RawURLEncoding.EncodedLen(ticketBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

// seal appends a MAC of the ticket and v to v.
func (s *Service) seal(ticket, v string) string {
	mac := hmac.New(sha256.New, s.sealKey)
	mac.Write([]byte(ticket + "\x00" + v))
	return v + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// open checks a sealed confirmation of ticket and returns who confirmed.
func (s *Service) open(ticket, sealed string) (userID, orgID int64, ok bool) {
	i := strings.LastIndexByte(sealed, '.')
	if i < 0 || len(s.cfg.Key) < 32 || !hmac.Equal([]byte(s.seal(ticket, sealed[:i])), []byte(sealed)) {
		return 0, 0, false
	}
	u, o, found := strings.Cut(sealed[:i], ":")
	userID, err1 := strconv.ParseInt(u, 10, 64)
	orgID, err2 := strconv.ParseInt(o, 10, 64)
	return userID, orgID, found && err1 == nil && err2 == nil && userID > 0
}
