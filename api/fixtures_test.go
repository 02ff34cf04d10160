package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

// validUSCC makes a well-formed 统一社会信用代码 (an enterprise, 91…) from n,
// with both the organisation-code and the overall check characters right.
func validUSCC(t *testing.T, n int) string {
	t.Helper()
	org := fmt.Sprintf("%08d", n%100000000)
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(org[i]-'0') * w
	}
	c := 11 - sum%11
	check := byte('0' + c)
	switch c {
	case 10:
		check = 'X'
	case 11:
		check = '0'
	}
	first17 := "91420106" + org + string(check)
	cc, err := codes.USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(cc)
}

// tree is a small province for scope tests:
//
//	root (federation)
//	├── c1 (federation)  ── u1, u2 (grassroots)
//	└── c2 (federation)  ── u3 (grassroots)
//
// with a federation admin at root and at c1, a chair, staff and verifier
// at u1, and a chair at u3.
type tree struct {
	e                      *testEnv
	root, c1, c2           string
	u1, u2, u3             string
	rootAdmin, c1Admin     session
	chair1, staff1, verif1 session
	chair3                 session
	plain                  session
	n                      int
	// caller is the session TestScopeMatrix is testing, for fixtures of
	// requester-only routes.
	caller session
}

func newTree(t *testing.T, e *testEnv) *tree {
	t.Helper()
	root, inv, err := e.orgs.Bootstrap(context.Background(), "湖北省总工会", "420000")
	if err != nil {
		t.Fatal(err)
	}
	tr := &tree{e: e, root: idStr(root.ID)}
	tr.rootAdmin = tr.accept(inv.Code)
	tr.c1 = tr.createOrg(tr.rootAdmin, tr.root, map[string]any{"name": "武汉市总工会", "type": "federation", "region_code": "420100"})
	tr.c2 = tr.createOrg(tr.rootAdmin, tr.root, map[string]any{"name": "宜昌市总工会", "type": "federation", "region_code": "420500"})
	tr.u1 = tr.createGrassroots(tr.rootAdmin, tr.c1, "武汉光谷制造有限公司工会", "420106")
	tr.u2 = tr.createGrassroots(tr.rootAdmin, tr.c1, "武汉长江物流有限公司工会", "420102")
	tr.u3 = tr.createGrassroots(tr.rootAdmin, tr.c2, "宜昌三峡建材有限公司工会", "420502")
	tr.c1Admin = tr.invite(tr.rootAdmin, tr.c1, "federation_admin")
	tr.chair1 = tr.invite(tr.rootAdmin, tr.u1, "union_chair")
	tr.staff1 = tr.invite(tr.chair1, tr.u1, "union_staff")
	tr.verif1 = tr.invite(tr.chair1, tr.u1, "verifier")
	tr.chair3 = tr.invite(tr.rootAdmin, tr.u3, "union_chair")
	tr.plain = e.login(uniqueOpenID(t))
	return tr
}

func (tr *tree) createOrg(by session, parent string, body map[string]any) string {
	tr.e.t.Helper()
	body["parent_id"] = parent
	var o struct {
		ID string `json:"id"`
	}
	tr.e.do("POST", "/api/v1/admin/orgs", body, by.Access).expect(tr.e.t, 201, 0).decode(tr.e.t, &o)
	return o.ID
}

func (tr *tree) createGrassroots(by session, parent, name, region string) string {
	tr.e.t.Helper()
	tr.n++
	return tr.createOrg(by, parent, map[string]any{"name": name, "type": "grassroots", "region_code": region,
		"unit_name": name[:len(name)-len("工会")], "uscc": validUSCC(tr.e.t, 1000+tr.n), "worker_count": 200,
		"address": "武汉市东湖高新区"})
}

// invite has by invite a new user to role at org and returns the user.
func (tr *tree) invite(by session, org, role string) session {
	tr.e.t.Helper()
	var inv struct {
		Code string `json:"code"`
	}
	tr.e.do("POST", "/api/v1/admin/invitations", map[string]any{"org_id": org, "role": role}, by.Access).
		expect(tr.e.t, 201, 0).decode(tr.e.t, &inv)
	return tr.accept(inv.Code)
}

// accept logs a new user in and accepts code.
func (tr *tree) accept(code string) session {
	tr.e.t.Helper()
	s := tr.e.login(uniqueOpenID(tr.e.t))
	var b struct {
		ID string `json:"id"`
	}
	tr.e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": code}, s.Access).expect(tr.e.t, 200, 0).decode(tr.e.t, &b)
	s.BindingID = b.ID
	return s
}

func idStr(id int64) string { return fmt.Sprint(id) }

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// application submits a fresh worker's application to org.
func (tr *tree) application(org string) appView {
	tr.e.t.Helper()
	tr.n++
	a := tr.e.newApplicant(fmt.Sprintf("139%08d", tr.n), idNumber("19850505", tr.n))
	return tr.e.apply(a, org)
}

// enrolled is a worker on the roll.
type enrolled struct {
	applicant
	MemberID, MemberNo string
}

// member puts a fresh worker on the roll of org (approved by the root admin).
func (tr *tree) member(org string) enrolled {
	tr.e.t.Helper()
	tr.n++
	a := tr.e.newApplicant(fmt.Sprintf("137%08d", tr.n), idNumber("19860606", tr.n))
	v := tr.e.apply(a, org)
	var res approvalReply
	tr.e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.rootAdmin.Access).
		expect(tr.e.t, 200, 0).decode(tr.e.t, &res)
	return enrolled{applicant: a, MemberID: res.Member.ID, MemberNo: res.Member.MemberNo}
}

// transfer has a fresh member of another union ask to move into org.
func (tr *tree) transfer(org string) string {
	tr.e.t.Helper()
	from := tr.u2
	if org == tr.u2 {
		from = tr.u1
	}
	m := tr.member(from)
	var t struct {
		ID string `json:"id"`
	}
	tr.e.do("POST", "/api/v1/me/transfers", map[string]any{"to_org_id": org, "reason": "换工作"}, m.Access).expect(tr.e.t, 201, 0).decode(tr.e.t, &t)
	return t.ID
}
