package api

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/identity"
)

// cardResponse is the member's e-member card.
type cardResponse struct {
	MemberID  string `json:"member_id"`
	MemberNo  string `json:"member_no" example:"42010600000017"`
	Name      string `json:"name" example:"张三"`
	UnionName string `json:"union_name" example:"武汉光谷制造有限公司工会"`
	OrgID     string `json:"org_id"`
	Status    string `json:"status" enums:"active,retained,suspended"`
	JoinedOn  string `json:"joined_on" example:"2026-11-27"`
	// PhotoURL is a signed link to the member's photo, valid 10 to 20
	// minutes and the same for every call within a 10-minute window; null
	// without a photo.
	PhotoURL *string `json:"photo_url"`
	// QR is null while the card is suspended.
	QR *cardQR `json:"qr"`
}

// cardQR is the token the card's QR code shows.
type cardQR struct {
	// Token is an EdDSA (Ed25519) JWT with header kid and claims sub
	// (member id), no (member number), iat, exp (iat + 90 s), jti and cv
	// (card version). It holds no name or ID number.
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	// RefreshAfter is when the app should fetch a new token (iat + 60 s).
	RefreshAfter time.Time `json:"refresh_after"`
}

// myCard godoc
//
//	@Summary		My e-member card
//	@Description	The card of the caller's member record on the roll, with a fresh QR token (90 s; fetch a new one from refresh_after on). A retained member's card is valid and says so. A suspended member gets the card with status suspended and qr null, so the app can show that it is stopped. 404 when the caller is not on the roll (never joined, left, removed).
//	@Tags			card
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[cardResponse]
//	@Failure		401	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/me/card [get]
func (s *Server) myCard(c *gin.Context) {
	p := principal(c)
	cd, err := s.cards.MyCardHinted(c.Request.Context(), p.UserID, p.MemberHint)
	if failed(c, err) {
		return
	}
	loc := s.cfg.Location()
	r := cardResponse{MemberID: idString(cd.MemberID), MemberNo: cd.MemberNo, Name: cd.Name, UnionName: cd.UnionName,
		OrgID: idString(cd.OrgID), Status: cd.Status, JoinedOn: cd.JoinedOn, PhotoURL: s.photoURL(cd.PhotoToken)}
	if cd.QR != nil {
		r.QR = &cardQR{Token: cd.QR.Token, ExpiresAt: cd.QR.ExpiresAt.In(loc).Truncate(time.Second), RefreshAfter: cd.QR.RefreshAfter.In(loc).Truncate(time.Second)}
	}
	c.Header("Cache-Control", "private, no-store")
	ok(c, http.StatusOK, r)
}

// myCardCacheKeys names what MyCard reads first.
func myCardCacheKeys(_ *gin.Context, p identity.Principal) []string {
	return []string{card.MyCardCacheKey(p.UserID, p.MemberHint)}
}

// photoURL turns a photo link token into the link (absolute when
// UNIONHUB_PUBLIC_BASE_URL is set); nil without a token.
func (s *Server) photoURL(token string) *string {
	if token == "" {
		return nil
	}
	u := s.link("/card-photos/" + token)
	return &u
}

// reissueMyCard godoc
//
//	@Summary		Reissue my card
//	@Description	Every QR token issued before stops verifying (reason revoked), e.g. after a lost phone or a shared screenshot. The next GET /me/card has a working token. 404 when the caller is not on the roll.
//	@Tags			card
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Envelope[Empty]
//	@Failure		401	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/me/card/reissue [post]
func (s *Server) reissueMyCard(c *gin.Context) {
	if failed(c, s.cards.ReissueMine(c.Request.Context(), principal(c).UserID)) {
		return
	}
	ok(c, http.StatusOK, Empty{})
}

// adminReissueCard godoc
//
//	@Summary		Reissue a member's card
//	@Description	For a member on the roll in the caller's scope (404 outside it or off the roll): every QR token issued before stops verifying (revoked). Audited.
//	@Tags			card
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"member id"
//	@Success		200	{object}	Envelope[Empty]
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Router			/admin/members/{id}/card/reissue [post]
func (s *Server) adminReissueCard(c *gin.Context) {
	id, found := pathID(c)
	if !found {
		return
	}
	if failed(c, s.cards.ReissueAsAdmin(c.Request.Context(), scope(c), id)) {
		return
	}
	ok(c, http.StatusOK, Empty{})
}

// jwkSet documents the public card keys (RFC 7517; OKP keys per RFC 8037).
type jwkSet struct {
	Keys []jwkKey `json:"keys"`
}

// jwkKey is one Ed25519 public key.
type jwkKey struct {
	Kid string `json:"kid" example:"2026a"`
	Kty string `json:"kty" example:"OKP"`
	Crv string `json:"crv" example:"Ed25519"`
	Alg string `json:"alg" example:"EdDSA"`
	Use string `json:"use" example:"sig"`
	// X is the public key, base64url without padding.
	X string `json:"x" example:"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"`
}

// cardKeys godoc
//
//	@Summary		Public keys of the card tokens
//	@Description	A bare JWK Set, NOT wrapped in the envelope, so standard JWT libraries can fetch it. A verifier app checks alg (EdDSA only), kid, signature and exp (allow ~10 s of clock skew) offline; status and reissues need POST /verify. Several keys are listed while keys rotate; cache it for up to 5 minutes.
//	@Tags			card
//	@Produce		json
//	@Success		200	{object}	jwkSet
//	@Router			/card-keys [get]
func (s *Server) cardKeys(c *gin.Context) {
	set := jwkSet{Keys: []jwkKey{}}
	for _, k := range s.cards.PublicKeys() {
		set.Keys = append(set.Keys, jwkKey{Kid: k.ID, Kty: "OKP", Crv: "Ed25519", Alg: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(k.Key)})
	}
	c.Header("Cache-Control", "public, max-age=300")
	writeJSON(c, http.StatusOK, set)
}

// cardPhoto godoc
//
//	@Summary		A card photo through a signed link
//	@Description	The photo_url of GET /me/card and POST /verify: no login, the link itself is the permission (signed, names one member's photo, expires: 5 minutes from a verification, 10 to 20 minutes from the card). A bad, expired or stale link (the photo changed) is 404. Sent with Cache-Control: no-store (a face is personal data).
//	@Tags			card
//	@Produce		image/jpeg
//	@Param			token	path		string	true	"the link token"
//	@Success		200		{file}		binary
//	@Failure		404		{object}	ErrorResponse
//	@Router			/card-photos/{token} [get]
func (s *Server) cardPhoto(c *gin.Context) {
	p, err := s.cards.OpenPhoto(c.Request.Context(), c.Param("token"))
	if failed(c, err) {
		return
	}
	c.Header("Cache-Control", "private, no-store") // a face: personal data (API.md §1)
	c.Data(http.StatusOK, p.ContentType, p.Data)
}
