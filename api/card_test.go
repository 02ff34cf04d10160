package api_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMyCardAndOfflineCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		c := e.myCard(m.session)
		if c.MemberID != m.MemberID || c.MemberNo != m.MemberNo || c.Name != "张三" || c.OrgID != tr.u1 ||
			c.UnionName != "武汉光谷制造有限公司工会" || c.Status != "active" || c.JoinedOn != "2026-11-27" || c.QR == nil {
			t.Fatalf("card: %+v", c)
		}
		if d := c.QR.ExpiresAt.Sub(c.QR.RefreshAfter); d != 30*time.Second || c.QR.ExpiresAt.Sub(e.clock.Now()) > 120*time.Second {
			t.Errorf("qr times: %+v", c.QR)
		}
		e.do("GET", "/api/v1/me/card", nil, tr.plain.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/me/card", nil, "").expect(t, 401, 40100)

		// The key set is bare JSON, cacheable, and checks the token offline.
		r := e.do("GET", "/api/v1/card-keys", nil, "")
		var top map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.Raw), &top); err != nil {
			t.Fatalf("card-keys: %v %s", err, r.Raw)
		}
		if _, enveloped := top["code"]; r.Status != 200 || enveloped || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") {
			t.Fatalf("card-keys: %d %s %v", r.Status, r.Raw, r.Header)
		}
		var set struct {
			Keys []struct{ Kid, Kty, Crv, Alg, X string } `json:"keys"`
		}
		if err := json.Unmarshal([]byte(r.Raw), &set); err != nil || len(set.Keys) == 0 {
			t.Fatalf("card-keys: %s", r.Raw)
		}
		parts, header, claims := tokenParts(t, c.QR.Token)
		k := set.Keys[0]
		if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || header["alg"] != "EdDSA" || header["kid"] != k.Kid {
			t.Fatalf("jwk %+v, header %v", k, header)
		}
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			t.Fatalf("x: %v", err)
		}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if !ed25519.Verify(x, []byte(parts[0]+"."+parts[1]), sig) {
			t.Fatal("the token does not verify offline with the published key")
		}
		if claims["sub"] != m.MemberID || claims["no"] != m.MemberNo || claims["jti"] == nil || claims["cv"] == nil ||
			claims["exp"].(float64)-claims["iat"].(float64) > 120 {
			t.Errorf("claims: %v", claims)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if strings.Contains(string(raw), "张") || strings.Contains(string(raw), m.idNumber) {
			t.Errorf("the token holds personal data: %s", raw)
		}

		// The photo link serves the photo without a login, then expires.
		p := e.do("GET", photoPath(t, c.PhotoURL), nil, "")
		if p.Status != 200 || p.Header.Get("Content-Type") != "image/jpeg" || len(p.Raw) == 0 {
			t.Fatalf("photo: %d %s", p.Status, p.Header)
		}
		again := e.myCard(m.session)
		if *again.PhotoURL != *c.PhotoURL || again.QR.Token == c.QR.Token {
			t.Errorf("the photo link should stay for the window and the token change")
		}
		e.do("GET", photoPath(t, c.PhotoURL)+"x", nil, "").expect(t, 404, 40400)
		e.do("GET", "/api/v1/card-photos/nope", nil, "").expect(t, 404, 40400)
		e.clock.Advance(21 * time.Minute)
		e.do("GET", photoPath(t, c.PhotoURL), nil, "").expect(t, 404, 40400)
	})
}

func TestVerifyReasons(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		tok := e.cardToken(m.session)
		parts := strings.Split(tok, ".")

		// Only verifiers verify.
		for _, s := range []session{tr.chair1, tr.staff1, tr.rootAdmin, tr.plain, m.session} {
			e.verifyCard(s, tok, "").expect(t, 403, 40300)
		}
		var v verifyView
		e.verifyCard(tr.verif1, tok, "").expect(t, 200, 0).decode(t, &v)
		if !v.Valid || v.Member == nil || v.Member.NameMasked != "张*" || v.Member.MemberNo != m.MemberNo ||
			v.Member.Status != "active" || v.Member.UnionName != "武汉光谷制造有限公司工会" {
			t.Fatalf("verify: %+v", v)
		}
		e.do("GET", photoPath(t, v.Member.PhotoURL), nil, "").expect(t, 200, 0)

		tests := []struct{ name, token, want string }{
			{"garbage", "not-a-token", "malformed"},
			{"empty", "", "malformed"},
			{"alg none", forged(t, tok, "none"), "malformed"},
			{"HS256", forged(t, tok, "HS256"), "malformed"},
			{"unknown kid", forged(t, tok, "unknown kid"), "unknown_key"},
			{"known kid, wrong key", forged(t, tok, "known kid"), "bad_signature"},
			{"tampered claims", parts[0] + "." + retouch(t, parts[1]) + "." + parts[2], "bad_signature"},
			{"tampered signature", parts[0] + "." + parts[1] + "." + flipFirst(parts[2]), "bad_signature"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := e.verifyReason(t, tr.verif1, tc.token); got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			})
		}
		e.verifyCard(tr.verif1, tok, "").expect(t, 200, 0)
		e.do("POST", "/api/v1/verify", `{"token":`, tr.verif1.Access).expect(t, 400, 40000)

		// Expiry: 90 s, with 10 s of clock skew allowed.
		e.clock.Advance(95 * time.Second)
		if got := e.verifyReason(t, tr.verif1, tok); got != "" {
			t.Fatalf("within the skew allowance: %s", got)
		}
		e.clock.Advance(10 * time.Second)
		if got := e.verifyReason(t, tr.verif1, tok); got != "expired" {
			t.Fatalf("expired token: %s", got)
		}
		// The offline checks come before expiry.
		if got := e.verifyReason(t, tr.verif1, parts[0]+"."+parts[1]+"."+flipFirst(parts[2])); got != "bad_signature" {
			t.Fatalf("expired and tampered: %s", got)
		}
		if err := e.card.Flush(context.Background()); err != nil || e.card.Dropped() != 0 {
			t.Fatalf("verification log: %v, %d dropped", err, e.card.Dropped())
		}
	})
}

func TestSuspendRestoreReissue(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		status := func(s string) {
			t.Helper()
			e.do("POST", "/api/v1/admin/members/"+m.MemberID+"/status", map[string]any{"status": s, "reason": "卡片挂失处理"},
				tr.chair1.Access).expect(t, 200, 0)
		}
		tok := e.cardToken(m.session)
		if got := e.verifyReason(t, tr.verif1, tok); got != "" { // now cached
			t.Fatalf("fresh token: %s", got)
		}
		status("suspended")
		if got := e.verifyReason(t, tr.verif1, tok); got != "not_active" {
			t.Fatalf("suspended: %s", got)
		}
		if c := e.myCard(m.session); c.Status != "suspended" || c.QR != nil {
			t.Fatalf("suspended card: %+v", c)
		}
		status("active")
		if got := e.verifyReason(t, tr.verif1, tok); got != "" {
			t.Fatalf("restored, the earlier token works again: %s", got)
		}
		status("retained")
		var v verifyView
		e.verifyCard(tr.verif1, tok, "").expect(t, 200, 0).decode(t, &v)
		if !v.Valid || v.Member.Status != "retained" {
			t.Fatalf("retained: %+v", v)
		}
		if c := e.myCard(m.session); c.Status != "retained" || c.QR == nil {
			t.Fatalf("retained card: %+v", c)
		}

		// The member reissues: earlier tokens are revoked, new ones work.
		e.do("POST", "/api/v1/me/card/reissue", nil, m.Access).expect(t, 200, 0)
		if got := e.verifyReason(t, tr.verif1, tok); got != "revoked" {
			t.Fatalf("after reissue: %s", got)
		}
		tok2 := e.cardToken(m.session)
		if got := e.verifyReason(t, tr.verif1, tok2); got != "" {
			t.Fatalf("new token: %s", got)
		}
		// An admin in scope reissues too; outside the scope it is 404.
		e.do("POST", "/api/v1/admin/members/"+m.MemberID+"/card/reissue", nil, tr.chair3.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/admin/members/"+m.MemberID+"/card/reissue", nil, tr.verif1.Access).expect(t, 403, 40300)
		e.do("POST", "/api/v1/admin/members/"+m.MemberID+"/card/reissue", nil, tr.staff1.Access).expect(t, 200, 0)
		if got := e.verifyReason(t, tr.verif1, tok2); got != "revoked" {
			t.Fatalf("after the admin's reissue: %s", got)
		}
		if audit := e.auditLogs(t, "?action=member.card_reissue", tr.rootAdmin); !hasAuditTarget(audit, "member:"+m.MemberID) {
			t.Errorf("admin reissue not audited: %+v", audit.Items)
		}
		e.do("POST", "/api/v1/me/card/reissue", nil, tr.plain.Access).expect(t, 404, 40400)

		// A member who left has no card; their tokens are not_active.
		tok3 := e.cardToken(m.session)
		e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "个人原因"}, m.Access).expect(t, 200, 0)
		if got := e.verifyReason(t, tr.verif1, tok3); got != "not_active" {
			t.Fatalf("left: %s", got)
		}
		e.do("GET", "/api/v1/me/card", nil, m.Access).expect(t, 404, 40400)
	})
}

// retouch changes a claim and re-encodes the claims segment.
func retouch(t *testing.T, seg string) string {
	t.Helper()
	raw, _ := base64.RawURLEncoding.DecodeString(seg)
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	claims["exp"] = claims["exp"].(float64) + 3600
	out, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(out)
}

// flipFirst changes the first character of a base64url segment.
func flipFirst(seg string) string {
	if seg[0] == 'A' {
		return "B" + seg[1:]
	}
	return "A" + seg[1:]
}

// TestMyCardFollowsEveryChange warms the card (its state and the user's
// hint sit in the cache) before each change and checks that the next GET
// /me/card shows the change: a corrected name, a transfer to another
// union, a claim by another WeChat account, leaving the roll.
func TestMyCardFollowsEveryChange(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		// A token issued once the user is on the roll names the member.
		var next struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": m.Refresh}, "").expect(t, 200, 0).decode(t, &next)
		if _, _, claims := tokenParts(t, next.AccessToken); claims["mid"] != m.MemberID {
			t.Fatalf("access token claims %v, want mid %s", claims, m.MemberID)
		}
		m.Access, m.Refresh = next.AccessToken, next.RefreshToken
		before := e.myCard(m.session)
		if before.Name != "张三" || before.OrgID != tr.u1 || before.MemberID != m.MemberID {
			t.Fatalf("card: %+v", before)
		}
		e.myCard(m.session) // from the cache now

		e.do("PATCH", "/api/v1/admin/members/"+m.MemberID, map[string]any{"version": 1, "reason": "姓名录错", "name": "张三丰"},
			tr.chair1.Access).expect(t, 200, 0)
		if c := e.myCard(m.session); c.Name != "张三丰" || c.QR == nil {
			t.Fatalf("after the correction: %+v", c)
		}

		var tf struct {
			ID string `json:"id"`
		}
		e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": tr.u3, "reason": "换工作"}, m.Access).expect(t, 201, 0).decode(t, &tf)
		e.myCard(m.session)
		e.do("POST", "/api/v1/admin/transfers/"+tf.ID+"/approve", nil, tr.chair3.Access).expect(t, 200, 0)
		if c := e.myCard(m.session); c.OrgID != tr.u3 || c.UnionName == before.UnionName || c.MemberNo != before.MemberNo {
			t.Fatalf("after the transfer: %+v (before %+v)", c, before)
		}

		s2 := e.login(uniqueOpenID(t))
		e.bindPhone(s2, m.phone)
		e.do("GET", "/api/v1/me/card", nil, s2.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/me/card/claim", map[string]any{"name": "张三丰", "id_number": m.idNumber}, s2.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me/card", nil, m.Access).expect(t, 404, 40400)
		if c := e.myCard(s2); c.MemberID != m.MemberID || c.QR == nil {
			t.Fatalf("claimed card: %+v", c)
		}

		e.do("POST", "/api/v1/me/membership/leave", map[string]any{"reason": "离职"}, s2.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/me/card", nil, s2.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/me/card", nil, s2.Access).expect(t, 404, 40400)
	})
}
