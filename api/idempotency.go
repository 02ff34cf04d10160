package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

const (
	idempotencyTTL = 24 * time.Hour
	// idempotencyLease is how long a claim keeps its key while its request
	// runs: longer than any request may (the write timeout is 60 s), so a
	// claim older than this belongs to a request whose node died.
	idempotencyLease = 2 * time.Minute
	// idempotencyWait bounds how long a retry waits for the first
	// request's reply before it is told to come back (429).
	idempotencyWait = 10 * time.Second
	// idempotencyPoll is the first pause between looks at a claim in
	// flight; it doubles up to idempotencyPollMax.
	idempotencyPoll    = 10 * time.Millisecond
	idempotencyPollMax = 200 * time.Millisecond
)

var (
	errKeyReused = service.InvalidField("Idempotency-Key", "该 Idempotency-Key 已用于另一个请求，新的请求请换一个")
	errKeyBusy   = service.RateLimited("上一次提交仍在处理中，请稍后再试", time.Second)
)

// saveReply stores a create's reply in the create's own transaction.
type saveReply func(ctx context.Context, reply any) error

// createIdempotent answers a create (201) that honours Idempotency-Key: a
// retry with the same key within 24 h gets the first reply. The first
// request claims the key in the database before it runs, and the reply
// replaces the claim in the transaction that made the object; a retry that
// arrives meanwhile, on any node, waits (at most idempotencyWait) for that
// reply and answers with it. A key used before for another request (route
// or body, req being the decoded body) is 422 on field Idempotency-Key.
// create returns the reply; it must call save with it inside its
// transaction.
func (s *Server) createIdempotent(c *gin.Context, route string, req any, create func(save saveReply) (any, error)) {
	key := c.GetHeader("Idempotency-Key")
	if len(key) > 64 {
		fail(c, malformed("Idempotency-Key 不能超过64个字符"))
		return
	}
	if key == "" {
		reply, err := create(func(context.Context, any) error { return nil })
		if err != nil {
			fail(c, err)
			return
		}
		ok(c, http.StatusCreated, reply)
		return
	}
	uid := principal(c).UserID
	hash, err := requestHash(route, req)
	if err != nil {
		fail(c, err)
		return
	}
	claim := &model.IdempotencyKey{UserID: uid, IdemKey: key, Route: route, RequestHash: hash, Body: "claim:" + rand.Text()}
	held, err := s.claimIdempotent(c.Request.Context(), claim)
	if err != nil {
		fail(c, err)
		return
	}
	if held != nil {
		replay(c, held)
		return
	}
	defer func() {
		if p := recover(); p != nil { // free the key for a retry, then let recovery answer
			_ = s.idempotency.Release(context.WithoutCancel(c.Request.Context()), uid, key, claim.Body)
			panic(p)
		}
	}()
	reply, err := create(func(ctx context.Context, reply any) error {
		body, err := json.Marshal(reply)
		if err != nil {
			return err
		}
		return s.idempotency.Complete(ctx, uid, key, claim.Body, http.StatusCreated, string(body), s.now().UTC())
	})
	if err != nil {
		s.releaseIdempotent(c, claim, err)
		return
	}
	ok(c, http.StatusCreated, reply)
}

// claimIdempotent claims the key for this request (nil, nil), or returns
// the stored first reply once there is one. A claim in flight is waited
// for; one whose lease has passed is taken over.
func (s *Server) claimIdempotent(ctx context.Context, claim *model.IdempotencyKey) (*model.IdempotencyKey, error) {
	deadline := time.Now().Add(idempotencyWait) // wall time: how long a client waits
	pause := idempotencyPoll
	for {
		now := s.now().UTC()
		claim.CreatedAt = now
		held, err := s.idempotency.Claim(ctx, claim, now.Add(-idempotencyTTL), now.Add(-idempotencyLease))
		if err != nil || held == nil {
			return nil, err
		}
	wait:
		for {
			switch {
			case held.Route != claim.Route || (held.RequestHash != "" && held.RequestHash != claim.RequestHash):
				return nil, errKeyReused
			case !held.InFlight():
				return held, nil
			case !held.CreatedAt.After(now.Add(-idempotencyLease)):
				break wait // its request died: the next Claim takes the key over
			case !time.Now().Add(pause).Before(deadline):
				return nil, errKeyBusy
			}
			if err := sleepCtx(ctx, pause); err != nil {
				return nil, err
			}
			pause = min(2*pause, idempotencyPollMax)
			held, err = s.idempotency.Get(ctx, claim.UserID, claim.IdemKey)
			if errors.Is(err, model.ErrNotFound) {
				break wait // released: claim it
			}
			if err != nil {
				return nil, err
			}
			now = s.now().UTC()
		}
	}
}

// releaseIdempotent answers a create that failed: it drops the claim, so a
// corrected retry may run, unless another request's reply took the key
// meanwhile (the claim's lease passed), which is then the answer.
func (s *Server) releaseIdempotent(c *gin.Context, claim *model.IdempotencyKey, cause error) {
	ctx := context.WithoutCancel(c.Request.Context())
	if err := s.idempotency.Release(ctx, claim.UserID, claim.IdemKey, claim.Body); err != nil {
		// The claim then ends with its lease.
		loggerOf(c).WarnContext(ctx, "idempotency claim not released", "request_id", requestID(c), "err", err)
	}
	if held, err := s.idempotency.Get(ctx, claim.UserID, claim.IdemKey); err == nil && !held.InFlight() &&
		held.Route == claim.Route && held.RequestHash == claim.RequestHash {
		replay(c, held)
		return
	}
	fail(c, cause)
}

// replay answers with a stored first reply.
func replay(c *gin.Context, k *model.IdempotencyKey) {
	c.Header("Idempotent-Replayed", "true")
	ok(c, k.Status, json.RawMessage(k.Body))
}

// requestHash names a request by its route and decoded body, so that a
// retry matches however its JSON was spaced or ordered.
func requestHash(route string, req any) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append([]byte(route+"\n"), body...))
	return hex.EncodeToString(sum[:]), nil
}

// sleepCtx pauses for d, or until ctx ends (its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
