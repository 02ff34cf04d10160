// Package card is the e-member card (电子会员卡) and what happens at the
// counter (普惠服务): short-lived card tokens signed with Ed25519, the public
// keys that let a verifier app check them offline, the online check of a
// member's current status and card version, benefits and their
// redemptions, and the log of every verification.
//
// A member's status and card version are read from the cache (one key per
// member, {m:ID}:card) and filled from the database on a miss. Whoever
// changes either calls Invalidate after the change, so a suspension or a
// reissue stops every earlier token at once on every node. The same entry
// answers GET /me/card, found through a hint from the user to the member
// ({u:ID}:member) that is checked against the entry, so neither the
// counter nor the member's phone waits for the database while it is warm.
package card

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/internal/jws"
	"github.com/unionhub/unionhub/service/pii"
)

// Token lifetimes (API.md §6: a token expires at most 120 s after it is
// issued; the app fetches a new one from RefreshAfter on).
const (
	TokenTTL     = 90 * time.Second
	RefreshAfter = 60 * time.Second
	// ClockSkew is the expiry allowance for clocks of different nodes.
	ClockSkew = 10 * time.Second
)

// PhotoOpener reads a stored upload for its owner (the upload service).
type PhotoOpener interface {
	Open(ctx context.Context, userID, id int64) (*model.Upload, []byte, error)
}

// Deps are the collaborators of the service.
type Deps struct {
	DB     *gorm.DB
	Cache  cache.Cache
	Keys   Keys
	PII    *pii.Cipher // seals the holder's name in the cached card state
	Photos PhotoOpener
	Audit  Auditor // nil: nothing recorded
	// After is time.After (nil); tests inject a clock's, so the
	// verification log's waits and retry backoffs need no sleeping.
	After func(time.Duration) <-chan time.Time
}

// Auditor records who did what (audit.Service).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Config tunes the verification log's batch writer.
type Config struct {
	QueueSize     int           // pending records held in memory; default 10000
	BatchSize     int           // records that trigger an early flush; default 500
	FlushInterval time.Duration // default 1 s
	// QueueWait is how long a verification waits for room in a full queue
	// before its record is lost (counted); default 50 ms.
	QueueWait time.Duration
	// Retries are the further attempts of a failed batch (default 3), after
	// RetryBackoff (default 100 ms), doubling each time.
	Retries      int
	RetryBackoff time.Duration
}

// Service issues and verifies cards and runs the benefits.
type Service struct {
	db          *gorm.DB
	cache       cache.Cache
	cards       *model.CardStore
	orgs        *model.OrgStore
	uploads     *model.UploadStore
	benefits    *model.BenefitStore
	redemptions *model.RedemptionStore
	photos      PhotoOpener
	pii         *pii.Cipher
	audit       Auditor
	now         func() time.Time
	loc         *time.Location
	log         *slog.Logger

	keys      map[string]*ringKey
	active    *ringKey
	published []PublicKey
	rec       *recorder

	benefitCache benefitCache // benefits, which never change (benefitcache.go)
}

// ringKey is a signing key with its derived photo-link key and the
// encoded header of the tokens it signs.
type ringKey struct {
	Key
	photo  []byte
	header string
}

// New returns the card service. The keys must be valid (Keys.Validate).
func New(env service.Env, d Deps, cfg Config) (*Service, error) {
	env = env.WithDefaults()
	if err := d.Keys.Validate(); err != nil {
		return nil, err
	}
	if d.PII == nil {
		return nil, errors.New("card: Deps.PII is required")
	}
	s := &Service{db: d.DB, cache: d.Cache, cards: model.NewCardStore(d.DB), orgs: model.NewOrgStore(d.DB),
		uploads: model.NewUploadStore(d.DB), benefits: model.NewBenefitStore(d.DB),
		redemptions: model.NewRedemptionStore(d.DB), photos: d.Photos, pii: d.PII, audit: d.Audit,
		now: env.Now, loc: env.Location, log: env.Log, keys: map[string]*ringKey{}}
	for _, k := range d.Keys.Keys {
		rk := &ringKey{Key: k, photo: k.photoKey(), header: jws.EdDSAHeader(k.ID)}
		s.keys[k.ID] = rk
		if k.ID == d.Keys.Active {
			s.active = rk
			s.published = append([]PublicKey{{ID: k.ID, Key: k.Public}}, s.published...)
		} else {
			s.published = append(s.published, PublicKey{ID: k.ID, Key: k.Public})
		}
	}
	s.rec = newRecorder(model.NewVerificationStore(d.DB), cfg, d.After, env.Log)
	return s, nil
}

// PublicKey is a published card key: what a verifier app needs to check a
// token's signature offline.
type PublicKey struct {
	ID  string
	Key ed25519.PublicKey
}

// PublicKeys returns the keys to publish for offline checks, the active
// key first.
func (s *Service) PublicKeys() []PublicKey { return slices.Clone(s.published) }

// publicKey returns the public key named kid.
func (s *Service) publicKey(kid string) (ed25519.PublicKey, bool) {
	k, found := s.keys[kid]
	if !found {
		return nil, false
	}
	return k.Public, true
}

var (
	errNotMember       = service.E(service.KindNotFound, "您还不是工会会员，暂无电子会员卡")
	errMemberNotFound  = service.E(service.KindNotFound, "没有找到该会员")
	errBenefitNotFound = service.E(service.KindNotFound, "没有找到可在此核销的普惠服务项目")
	errLimitReached    = service.E(service.KindLimitReached, "该会员使用此项服务的次数已达上限")
	errPhotoNotFound   = service.E(service.KindNotFound, "照片链接无效或已过期")
	errOrgNotFound     = service.E(service.KindNotFound, "没有找到该组织")
	errOrgDissolved    = service.E(service.KindConflict, "该组织已撤销，不能发布服务项目")
)
