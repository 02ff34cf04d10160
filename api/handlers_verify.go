package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/identity"
)

// verifyRequest is a card presented at a counter.
type verifyRequest struct {
	Token string `json:"token"`
	// BenefitID, when given, redeems that benefit for the member.
	BenefitID ID `json:"benefit_id" swaggertype:"string"`
}

// verifyResponse is the counter's answer.
type verifyResponse struct {
	Valid bool `json:"valid"`
	// Reason is set when valid is false, checked in this order: malformed,
	// unknown_key, bad_signature, expired, not_active, revoked.
	Reason string `json:"reason,omitempty" enums:"malformed,unknown_key,bad_signature,expired,not_active,revoked"`
	// Member is set when valid is true.
	Member *verifiedMember `json:"member,omitempty"`
	// Redemption is set when a benefit was redeemed.
	Redemption *redemptionJSON `json:"redemption,omitempty"`
}

// verifiedMember is what the counter sees of a member with a valid card.
type verifiedMember struct {
	NameMasked string `json:"name_masked" example:"张*"`
	MemberNo   string `json:"member_no" example:"42010600000017"`
	UnionName  string `json:"union_name"`
	Status     string `json:"status" enums:"active,retained"`
	// PhotoURL is a signed link to the member's photo, valid for 5 minutes;
	// null without a photo.
	PhotoURL *string `json:"photo_url"`
}

// redemptionJSON is a recorded redemption of a benefit.
type redemptionJSON struct {
	ID         string    `json:"id"`
	BenefitID  string    `json:"benefit_id"`
	RedeemedAt time.Time `json:"redeemed_at"`
}

// verify godoc
//
//	@Summary		Verify a card (and redeem a benefit)
//	@Description	For verifiers only (403 otherwise). Checks the token's alg (EdDSA only), key and signature, then its expiry (10 s clock-skew allowance), then the member's current status and card version: a suspended or reissued card stops at once on every node. An invalid card is 200 with valid false and the first failing reason. Every verification is logged.
//	@Description	With benefit_id: the benefit must be offered by the verifier's org or an ancestor of it, run today (business time zone) and be open to the member's union (offered by it or an ancestor), else 404. The redemption is recorded before the reply; presenting the same token for the same benefit again returns the first result (also after the token expired) and counts once; a member at the benefit's per_member_limit is 409/40903.
//	@Tags			verification
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		verifyRequest	true	"the token from the member's QR code"
//	@Success		200		{object}	Envelope[verifyResponse]
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Router			/verify [post]
func (s *Server) verify(c *gin.Context) {
	v, _ := c.Get(ctxVerifyBody)
	in, _ := v.(*verifyBody)
	if in == nil { // verifyCacheKeys did not run
		in = readVerifyBody(c)
	}
	if in.err != nil {
		fail(c, in.err)
		return
	}
	res, err := s.cards.VerifyPresented(c.Request.Context(), scope(c), in.presented, int64(in.req.BenefitID))
	if failed(c, err) {
		return
	}
	ok(c, http.StatusOK, s.toVerifyResponse(res))
}

// verifyBody is the body of POST /verify, read and decoded once, with its
// token split by card.Present, or why it could not be read.
type verifyBody struct {
	req       verifyRequest
	presented card.Presented
	err       error
}

const ctxVerifyBody = "verify_body"

func readVerifyBody(c *gin.Context) *verifyBody {
	in := &verifyBody{}
	if in.err = readJSON(c, &in.req); in.err == nil {
		in.presented = card.Present(in.req.Token)
	}
	return in
}

// verifyCacheKeys names the cached state of the member the presented token
// names, read by Verify after the token's checks. It reads the body ahead
// of the handler, for the handler: a bad body is answered there, after the
// session and the role were checked, as on every other route.
func verifyCacheKeys(c *gin.Context, _ identity.Principal) []string {
	in := readVerifyBody(c)
	c.Set(ctxVerifyBody, in)
	if in.err != nil {
		return nil
	}
	if key, ok := in.presented.CacheKey(); ok {
		return []string{key}
	}
	return nil
}

func (s *Server) toVerifyResponse(res *card.Result) verifyResponse {
	if !res.Valid {
		return verifyResponse{Reason: string(res.Reason)}
	}
	out := verifyResponse{Valid: true}
	if m := res.Member; m != nil {
		out.Member = &verifiedMember{NameMasked: m.NameMasked, MemberNo: m.MemberNo, UnionName: m.UnionName,
			Status: m.Status, PhotoURL: s.photoURL(m.PhotoToken)}
	}
	if r := res.Redemption; r != nil {
		out.Redemption = &redemptionJSON{ID: idString(r.ID), BenefitID: idString(r.BenefitID),
			RedeemedAt: s.at(r.CreatedAt)}
	}
	return out
}
