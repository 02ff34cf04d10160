package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/service/idempotency"
)

// saveReply stores a create's reply in the create's own transaction.
type saveReply func(ctx context.Context, reply any) error

// createIdempotent answers a create (201) that honours Idempotency-Key: a
// retry with the same key within 24 h gets the first reply, on any node
// (service/idempotency keeps the claims and replies). A key used before
// for another request (route or body, req being the decoded body) is 422
// on field Idempotency-Key. create returns the reply; it must call save
// with it inside its transaction.
func (s *Server) createIdempotent(c *gin.Context, route string, req any, create func(save saveReply) (any, error)) {
	key := c.GetHeader("Idempotency-Key")
	if len(key) > 64 {
		fail(c, malformed("Idempotency-Key 不能超过64个字符"))
		return
	}
	if key == "" {
		reply, err := create(func(context.Context, any) error { return nil })
		if failed(c, err) {
			return
		}
		ok(c, http.StatusCreated, reply)
		return
	}
	hash, err := requestHash(route, req)
	if failed(c, err) {
		return
	}
	claim, held, err := s.idempotency.Claim(c.Request.Context(), principal(c).UserID, key, route, hash)
	if failed(c, err) {
		return
	}
	if held != nil {
		replay(c, held)
		return
	}
	defer func() {
		if p := recover(); p != nil { // free the key for a retry, then let recovery answer
			_, _ = s.idempotency.Release(context.WithoutCancel(c.Request.Context()), claim)
			panic(p)
		}
	}()
	reply, err := create(func(ctx context.Context, reply any) error {
		body, err := json.Marshal(reply)
		if err != nil {
			return err
		}
		return s.idempotency.Complete(ctx, claim, idempotency.Reply{Status: http.StatusCreated, Body: string(body)})
	})
	if err != nil {
		s.releaseIdempotent(c, claim, err)
		return
	}
	ok(c, http.StatusCreated, reply)
}

// releaseIdempotent answers a create that failed: it drops the claim, so a
// corrected retry may run, unless another request's reply took the key
// meanwhile (the claim's lease passed), which is then the answer.
func (s *Server) releaseIdempotent(c *gin.Context, claim *idempotency.Claim, cause error) {
	ctx := context.WithoutCancel(c.Request.Context())
	held, err := s.idempotency.Release(ctx, claim)
	if err != nil {
		// The claim then ends with its lease.
		loggerOf(c).WarnContext(ctx, "idempotency claim not released", "request_id", requestID(c), "err", err)
	}
	if held != nil {
		replay(c, held)
		return
	}
	fail(c, cause)
}

// replay answers with a stored first reply.
func replay(c *gin.Context, r *idempotency.Reply) {
	c.Header("Idempotent-Replayed", "true")
	ok(c, r.Status, json.RawMessage(r.Body))
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
