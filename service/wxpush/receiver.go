// Package wxpush receives WeChat's message push (消息推送, API.md §10):
// it checks the signatures, the timestamp window and the appid, opens
// safe-mode bodies, applies each event once (its key is stored, unique, in
// the transaction that applies it, so a retry or a replay on any node
// changes nothing), and turns the events into their effects: a cancelled
// authorisation deactivates the account, a revoked phone authorisation
// clears the bound phone, subscribe events keep the ledger right.
//
// silenceper/wechat's PushReceiver decrypts too, but compares only the
// plain signature (not msg_signature over the encrypted body) and has no
// timestamp window, so it is not used.
package wxpush

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// Window is how far a push's timestamp may be from the clock.
const Window = 5 * time.Minute

// Errors of Check and Receive.
var (
	// ErrDisabled: no push token is configured.
	ErrDisabled = service.E(service.KindNotFound, "请求的地址不存在")
	// ErrSignature: a signature, the timestamp or the appid did not check.
	ErrSignature = service.E(service.KindForbidden, "消息签名校验失败")
	// ErrStale: the timestamp is more than Window off.
	ErrStale = service.E(service.KindForbidden, "消息时间戳超出允许范围")
	// ErrMalformed: the body is not a push message.
	ErrMalformed = service.E(service.KindMalformed, "消息格式不正确")
)

// Sessions is what the receiver needs of identity.
type Sessions interface {
	RevokeAll(ctx context.Context, userID int64, reason string) error
	ClearPhone(ctx context.Context, userID int64) error
}

// Ledger is what the receiver needs of the subscription ledger (notify).
type Ledger interface {
	ApplyAnswer(ctx context.Context, userID int64, template, answer string) error
	ZeroSubscription(ctx context.Context, userID int64, template string) error
}

// Config is the push settings.
type Config struct {
	Token string // UNIONHUB_WECHAT_PUSH_TOKEN; empty: push is off
	// AESKey is the 43-character EncodingAESKey (UNIONHUB_WECHAT_PUSH_AES_KEY);
	// with it only safe-mode (encrypt_type=aes) bodies are taken.
	AESKey string
	AppID  string // the mini-program's, which safe-mode bodies must name
}

// Deps are the receiver's collaborators.
type Deps struct {
	DB       *gorm.DB
	Sessions Sessions
	Ledger   Ledger
}

// Receiver checks and applies pushes.
type Receiver struct {
	cfg     Config
	key     []byte
	db      *gorm.DB
	events  *model.PushEventStore
	users   *model.UserStore
	deacts  *model.DeactivationStore
	session Sessions
	ledger  Ledger
	now     func() time.Time
	log     *slog.Logger
}

// New returns a Receiver; an AESKey that is not an EncodingAESKey is an
// error (config validates it first).
func New(env service.Env, d Deps, cfg Config) (*Receiver, error) {
	env = env.WithDefaults()
	r := &Receiver{cfg: cfg, db: d.DB, events: model.NewPushEventStore(d.DB), users: model.NewUserStore(d.DB),
		deacts: model.NewDeactivationStore(d.DB), session: d.Sessions, ledger: d.Ledger, now: env.Now, log: env.Log}
	if cfg.AESKey != "" {
		key, err := DecodeAESKey(cfg.AESKey)
		if err != nil {
			return nil, err
		}
		r.key = key
	}
	return r, nil
}

// Query is a push's URL parameters.
type Query struct {
	Signature, Timestamp, Nonce string
	EncryptType, MsgSignature   string
}

// Check answers WeChat's server check (GET): nil when the signature and
// the timestamp check, and the caller replies echostr.
func (r *Receiver) Check(q Query) error {
	if r == nil || r.cfg.Token == "" {
		return ErrDisabled
	}
	return r.checkSignature(q)
}

func (r *Receiver) checkSignature(q Query) error {
	if q.Signature == "" || !equalSig(q.Signature, Signature(r.cfg.Token, q.Timestamp, q.Nonce)) {
		return ErrSignature
	}
	ts, err := strconv.ParseInt(q.Timestamp, 10, 64)
	if err != nil {
		return ErrSignature
	}
	if d := r.now().Sub(time.Unix(ts, 0)); d > Window || d < -Window {
		return ErrStale
	}
	return nil
}

// Receive checks a push (POST) and applies its event once. Errors:
// ErrDisabled, ErrSignature, ErrStale, ErrMalformed, or the database's.
func (r *Receiver) Receive(ctx context.Context, q Query, body []byte) error {
	if r == nil || r.cfg.Token == "" {
		return ErrDisabled
	}
	if err := r.checkSignature(q); err != nil {
		return err
	}
	plain, err := r.open(q, body)
	if err != nil {
		return err
	}
	m, err := parse(plain)
	if err != nil || m.Event == "" {
		return ErrMalformed
	}
	return r.applyOnce(ctx, m, plain)
}

// open returns the plaintext message: the body itself in plain mode, the
// opened Encrypt field in safe mode, after msg_signature over it checked.
// With an AES key configured, plain mode is refused.
func (r *Receiver) open(q Query, body []byte) ([]byte, error) {
	if q.EncryptType != "aes" {
		if r.key != nil {
			return nil, ErrSignature
		}
		return body, nil
	}
	if r.key == nil {
		return nil, ErrMalformed
	}
	var env envelope
	if err := unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, ErrMalformed
	}
	if q.MsgSignature == "" || !equalSig(q.MsgSignature, Signature(r.cfg.Token, q.Timestamp, q.Nonce, env.Encrypt)) {
		return nil, ErrSignature
	}
	plain, err := decrypt(r.key, r.cfg.AppID, env.Encrypt)
	if err != nil {
		return nil, ErrSignature
	}
	return plain, nil
}

// applyOnce records the event's key and applies it in one transaction; an
// event already recorded changes nothing.
func (r *Receiver) applyOnce(ctx context.Context, m *Message, plain []byte) error {
	dup := false
	err := model.InTx(ctx, r.db, func(ctx context.Context) error {
		err := r.events.Record(ctx, &model.PushEvent{EventKey: m.key(plain), Event: clip(m.Event, 64), ReceivedAt: r.now().UTC()})
		if errors.Is(err, model.ErrDuplicate) {
			dup = true
			return nil
		}
		if err != nil {
			return err
		}
		return r.apply(ctx, m)
	})
	if err == nil {
		r.log.InfoContext(ctx, "wechat push", "event", clip(m.Event, 64), "duplicate", dup)
	}
	return err
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Purge forgets the keys of events received more than age ago (age must
// be well over Window: a replay older than that is refused for its
// timestamp).
func (r *Receiver) Purge(ctx context.Context, age time.Duration) (int64, error) {
	return r.events.Purge(ctx, r.now().UTC().Add(-max(age, 2*Window)))
}
