// Package idempotency keeps the Idempotency-Key claims of creates and
// their first replies (API.md §1): the first request claims the key in the
// database before it runs, and its reply replaces the claim in the
// transaction that made the object; a retry with the same key within 24 h,
// on any node, gets that reply.
package idempotency

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

const (
	// TTL is how long a first reply is kept.
	TTL = 24 * time.Hour
	// lease is how long a claim keeps its key while its request runs:
	// longer than any request may (the write timeout is 60 s), so a claim
	// older than this belongs to a request whose node died.
	lease = 2 * time.Minute
	// wait bounds how long a retry waits for the first request's reply
	// before it is told to come back (429).
	wait = 10 * time.Second
	// poll is the first pause between looks at a claim in flight; it
	// doubles up to pollMax.
	poll    = 10 * time.Millisecond
	pollMax = 200 * time.Millisecond
)

var (
	errKeyReused = service.InvalidField("Idempotency-Key", "该 Idempotency-Key 已用于另一个请求，新的请求请换一个")
	errKeyBusy   = service.RateLimited("上一次提交仍在处理中，请稍后再试", time.Second)
)

// Reply is a stored first reply.
type Reply struct {
	Status int
	Body   string // JSON
}

// Claim is a request's hold on its key while it runs.
type Claim struct{ k model.IdempotencyKey }

// Service claims keys and keeps first replies.
type Service struct {
	store *model.IdempotencyStore
	now   func() time.Time
}

// New returns the service on db.
func New(env service.Env, db *gorm.DB) *Service {
	env = env.WithDefaults()
	return &Service{store: model.NewIdempotencyStore(db), now: env.Now}
}

// Claim claims the key of userID's request (route and hash name the
// request) and returns the claim, or, once there is one, the stored first
// reply of the same request. A claim in flight is waited for (at most ten
// seconds: then 429); one whose lease has passed is taken over. A key used
// before for another request is 422 on field Idempotency-Key.
func (s *Service) Claim(ctx context.Context, userID int64, key, route, hash string) (*Claim, *Reply, error) {
	c := &Claim{k: model.IdempotencyKey{UserID: userID, IdemKey: key, Route: route, RequestHash: hash,
		Body: "claim:" + rand.Text()}}
	deadline := time.Now().Add(wait) // wall time: how long a client waits
	pause := poll
	for {
		now := s.now().UTC()
		c.k.CreatedAt = now
		held, err := s.store.Claim(ctx, &c.k, now.Add(-TTL), now.Add(-lease))
		if err != nil {
			return nil, nil, err
		}
		if held == nil {
			return c, nil, nil
		}
	waiting:
		for {
			switch {
			case held.Route != route || (held.RequestHash != "" && held.RequestHash != hash):
				return nil, nil, errKeyReused
			case !held.InFlight():
				return nil, &Reply{Status: held.Status, Body: held.Body}, nil
			case !held.CreatedAt.After(now.Add(-lease)):
				break waiting // its request died: the next Claim takes the key over
			case !time.Now().Add(pause).Before(deadline):
				return nil, nil, errKeyBusy
			}
			if err := sleep(ctx, pause); err != nil {
				return nil, nil, err
			}
			pause = min(2*pause, pollMax)
			held, err = s.store.Get(ctx, userID, key)
			if errors.Is(err, model.ErrNotFound) {
				break waiting // released: claim it
			}
			if err != nil {
				return nil, nil, err
			}
			now = s.now().UTC()
		}
	}
}

// Complete turns the claim into the stored reply, in the transaction that
// did the work (ctx's), so the reply exists exactly when the work does. A
// conflict when the claim's lease passed and another request took the key
// over: roll back.
func (s *Service) Complete(ctx context.Context, c *Claim, r Reply) error {
	return s.store.Complete(ctx, c.k.UserID, c.k.IdemKey, c.k.Body, r.Status, r.Body, s.now().UTC())
}

// Release drops the claim of a request that made nothing (an error is not
// a first reply: a corrected retry may run). It returns the stored reply
// of the same request when another request's reply took the key meanwhile
// (the claim's lease passed), which is then the answer.
func (s *Service) Release(ctx context.Context, c *Claim) (*Reply, error) {
	err := s.store.Release(ctx, c.k.UserID, c.k.IdemKey, c.k.Body)
	if held, gerr := s.store.Get(ctx, c.k.UserID, c.k.IdemKey); gerr == nil && !held.InFlight() &&
		held.Route == c.k.Route && held.RequestHash == c.k.RequestHash {
		return &Reply{Status: held.Status, Body: held.Body}, err
	}
	return nil, err
}

// sleep pauses for d, or until ctx ends (its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
