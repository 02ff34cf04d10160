package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/model"
)

const idempotencyTTL = 24 * time.Hour

// saveReply stores a create's reply in the create's own transaction.
type saveReply func(ctx context.Context, reply any) error

// createIdempotent answers a create (201) that honours Idempotency-Key: a
// retry with the same key within 24 h gets the stored first reply, and the
// reply is stored in the transaction that made the object, so a concurrent
// retry either replays it or fails on the key and then replays it.
// create returns the reply; it must call save with it inside its
// transaction.
func (s *Server) createIdempotent(c *gin.Context, route string, create func(save saveReply) (any, error)) {
	uid := principal(c).UserID
	key := c.GetHeader("Idempotency-Key")
	if len(key) > 64 {
		fail(c, malformed("Idempotency-Key 不能超过64个字符"))
		return
	}
	if key != "" && s.replayIdempotent(c, uid, key, route) {
		return
	}
	save := func(ctx context.Context, reply any) error {
		if key == "" {
			return nil
		}
		body, err := json.Marshal(reply)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		return s.Idempotency.Save(ctx, &model.IdempotencyKey{UserID: uid, IdemKey: key, Route: route,
			Status: http.StatusCreated, Body: string(body), CreatedAt: now}, now.Add(-idempotencyTTL))
	}
	reply, err := create(save)
	if errors.Is(err, model.ErrDuplicate) && key != "" && s.replayIdempotent(c, uid, key, route) {
		return // a concurrent retry with the same key won
	}
	if err != nil {
		fail(c, err)
		return
	}
	ok(c, http.StatusCreated, reply)
}

// replayIdempotent answers with a stored first reply, when there is one.
func (s *Server) replayIdempotent(c *gin.Context, uid int64, key, route string) bool {
	k, err := s.Idempotency.Get(c.Request.Context(), uid, key, route, s.Now().UTC().Add(-idempotencyTTL))
	if err != nil {
		return false
	}
	c.Header("Idempotent-Replayed", "true")
	ok(c, k.Status, json.RawMessage(k.Body))
	return true
}
