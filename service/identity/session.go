package identity

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
)

// Cached session states.
const (
	stateActive  = "1"
	stateRevoked = "0"
	// activeTTL bounds how long a node trusts a cached "active": a session
	// that simply expires is noticed within it. Revocations overwrite it.
	activeTTL = 10 * time.Minute
)

func sessionKey(sid int64) string { return "sess:" + strconv.FormatInt(sid, 10) }

// IsSessionCacheKey reports whether key (with any prefix) is a session's
// cache key: one a node may keep a copy of (cache.NearOptions).
func IsSessionCacheKey(key string) bool {
	i := strings.LastIndex(key, "sess:")
	if i < 0 || (i > 0 && key[i-1] != ':') || i+len("sess:") == len(key) {
		return false
	}
	for _, c := range key[i+len("sess:"):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SessionCacheKey is the cache key CheckSession reads for p, so that a
// caller can prefetch it with other keys in one round trip.
func SessionCacheKey(p Principal) string { return sessionKey(p.SessionID) }

// Authenticate checks an access token (ParseAccess) and that its session
// is live (CheckSession).
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	p, err := s.ParseAccess(token)
	if err != nil {
		return Principal{}, err
	}
	if err := s.CheckSession(ctx, p); err != nil {
		return Principal{}, err
	}
	return p, nil
}

// CheckSession checks that the session of an access token is live. The
// session state comes from the cache; on a miss (or a cache failure) from
// the table, and a miss is filled with SetNX so that it can never
// overwrite a revocation written meanwhile.
func (s *Service) CheckSession(ctx context.Context, p Principal) error {
	key := sessionKey(p.SessionID)
	state, err := s.cache.Get(ctx, key)
	switch {
	case err == nil:
		if state == stateActive {
			return nil
		}
		return errSessionEnded
	case !errors.Is(err, cache.ErrMiss):
		s.log.WarnContext(ctx, "session cache unavailable; reading the table", "err", err)
	}
	sess, err := s.sessions.Get(ctx, p.SessionID)
	if errors.Is(err, model.ErrNotFound) {
		return errSessionEnded
	}
	if err != nil {
		return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !sess.Active(s.now()) || sess.UserID != p.UserID {
		_, _ = s.cache.SetNX(ctx, key, stateRevoked, s.cfg.AccessTTL)
		return errSessionEnded
	}
	_, _ = s.cache.SetNX(ctx, key, stateActive, activeTTL)
	return nil
}

// revoke ends a session in the table, then marks it revoked in the cache
// for as long as any of its access tokens can live.
func (s *Service) revoke(ctx context.Context, sid int64, reason string) error {
	if err := s.sessions.Revoke(ctx, sid, reason, s.now().UTC()); err != nil {
		return err
	}
	if err := s.cache.Set(ctx, sessionKey(sid), stateRevoked, s.cfg.AccessTTL); err != nil {
		// The table already says revoked; nodes that still hold "active"
		// would accept the session until the cache answers again.
		return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	return nil
}

var errSessionEnded = service.E(service.KindUnauthenticated, "登录状态已失效，请重新登录")
