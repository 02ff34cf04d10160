package main

import (
	"encoding/json"
	"strconv"
	"sync/atomic"
)

// scenarios builds every scenario and reference: each request of the
// scenarios goes to node, each of the references to ref.
func scenarios(f *fixtures, node, ref string) map[string]scenario {
	verifyBodies := make([][]byte, len(f.Tokens))
	redeemBodies := make([][]byte, len(f.Tokens))
	for i, t := range f.Tokens {
		verifyBodies[i], _ = json.Marshal(map[string]string{"token": t})
		// Redeem walks the tokens from the middle: each token is scanned
		// once or twice over a run, as at a real counter.
		r := f.Tokens[(i+len(f.Tokens)/2)%len(f.Tokens)]
		redeemBodies[i], _ = json.Marshal(map[string]string{"token": r, "benefit_id": f.BenefitID})
	}
	verify := func(i uint64) request {
		return request{method: "POST", path: "/api/v1/verify", token: f.Verifier, body: verifyBodies[i%uint64(len(verifyBodies))]}
	}
	redeem := func(i uint64) request {
		return request{method: "POST", path: "/api/v1/verify", token: f.Verifier, body: redeemBodies[i%uint64(len(redeemBodies))]}
	}
	card := func(i uint64) request {
		return request{method: "GET", path: "/api/v1/me/card", token: f.Sessions[i%uint64(len(f.Sessions))]}
	}
	queue := func(uint64) request {
		return request{method: "GET", path: "/api/v1/admin/applications?status=submitted", token: f.Chair}
	}
	// The overdue part of the same queue (API.md §11), walked a page at a
	// time from the covering index; seed-bench gives about half the
	// applications a due date in the past.
	queueOverdue := func(uint64) request {
		return request{method: "GET", path: "/api/v1/admin/applications?status=submitted&overdue=true", token: f.Chair}
	}
	overview := func(uint64) request {
		return request{method: "GET", path: "/api/v1/admin/stats/overview", token: f.Admin}
	}
	var logins atomic.Uint64
	login := func(uint64) request {
		// A thousand returning users, each code used once (the fake
		// refuses a spent code) across every scenario of the run.
		code := f.Codes.next("ltlogin" + strconv.FormatUint(logins.Add(1)%1000, 10))
		body, _ := json.Marshal(map[string]string{"code": code})
		return request{method: "POST", path: "/api/v1/auth/wechat/login", body: body}
	}
	mixed := func(i uint64) request {
		switch k := i % 20; {
		case k < 12:
			return verify(i)
		case k < 14:
			return redeem(i)
		case k < 17:
			return card(i)
		case k == 17:
			return queue(i)
		case k == 18:
			return overview(i)
		default:
			return login(i)
		}
	}
	refSig := func(i uint64) request {
		return request{method: "POST", path: "/verify", body: verifyBodies[i%uint64(len(verifyBodies))]}
	}
	refJSON := func(uint64) request { return request{method: "GET", path: "/json"} }
	return map[string]scenario{
		"ref-sig":       {name: "ref-sig", base: ref, next: refSig},
		"ref-json":      {name: "ref-json", base: ref, next: refJSON},
		"verify":        {name: "verify", reference: "ref-sig", base: node, next: verify},
		"redeem":        {name: "redeem", reference: "ref-sig", base: node, next: redeem},
		"card":          {name: "card", reference: "ref-json", base: node, next: card},
		"queue":         {name: "queue", reference: "ref-json", base: node, next: queue},
		"queue-overdue": {name: "queue-overdue", reference: "ref-json", base: node, next: queueOverdue},
		"overview":      {name: "overview", reference: "ref-json", base: node, next: overview},
		"login":         {name: "login", reference: "ref-json", base: node, next: login},
		"mixed":         {name: "mixed", reference: "ref-json", base: node, next: mixed},
	}
}
