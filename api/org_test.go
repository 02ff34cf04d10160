package api_test

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateOrgValidation(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		good := validUSCC(t, 4242)
		tests := []struct {
			name         string
			body         map[string]any
			status, code int
			fields       []string
		}{
			{"single union", map[string]any{"parent_id": tr.c1, "name": "甲公司工会", "type": "grassroots", "region_code": "420106",
				"unit_name": "甲公司", "uscc": good, "unit_type": "enterprise", "industry_code": "c3911", "worker_count": 10}, 201, 0, nil},
			{"joint union without uscc", map[string]any{"parent_id": tr.c1, "name": "光谷联合工会", "type": "grassroots",
				"union_kind": "joint", "region_code": "420106"}, 201, 0, nil},
			{"lower-case uscc accepted", map[string]any{"parent_id": tr.c1, "name": "乙公司工会", "type": "grassroots", "region_code": "420106",
				"unit_name": "乙公司", "uscc": strings.ToLower(validUSCC(t, 77))}, 201, 0, nil},
			{"every field wrong", map[string]any{"parent_id": tr.c1, "name": "甲", "type": "club", "region_code": "12"},
				422, 40001, []string{"name", "type", "region_code"}},
			{"single without unit", map[string]any{"parent_id": tr.c1, "name": "丙公司工会", "type": "grassroots", "region_code": "420106"},
				422, 40001, []string{"unit_name", "uscc"}},
			{"bad uscc check char", map[string]any{"parent_id": tr.c1, "name": "丁公司工会", "type": "grassroots", "region_code": "420106",
				"unit_name": "丁公司", "uscc": good[:17] + nextChar(good[17])}, 422, 40001, []string{"uscc"}},
			{"bad kind, unit type, industry, workers", map[string]any{"parent_id": tr.c1, "name": "戊公司工会", "type": "grassroots",
				"union_kind": "solo", "region_code": "420106", "unit_type": "spaceship", "industry_code": "Z99", "worker_count": -1},
				422, 40001, []string{"union_kind", "unit_type", "industry_code", "worker_count"}},
			{"missing everything", map[string]any{"parent_id": tr.c1}, 422, 40001, []string{"type", "name", "region_code"}},
			{"under a grassroots union", map[string]any{"parent_id": tr.u1, "name": "车间工会", "type": "federation", "region_code": "420106"},
				422, 40001, []string{"parent_id"}},
			{"unknown parent", map[string]any{"parent_id": "12345", "name": "某工会", "type": "federation", "region_code": "420106"}, 404, 40400, nil},
			{"no parent", map[string]any{"name": "某工会", "type": "federation", "region_code": "420106"}, 422, 40001, []string{"parent_id"}},
			// Issue 16: {} reported parent_id alone; every bad field comes at once.
			{"empty body", map[string]any{}, 422, 40001, []string{"parent_id", "type", "name", "region_code"}},
			{"no parent, bad fields", map[string]any{"name": "甲", "type": "grassroots", "region_code": "420106", "worker_count": -1},
				422, 40001, []string{"parent_id", "name", "worker_count", "unit_name", "uscc"}},
			{"malformed parent, bad fields", map[string]any{"parent_id": []int{1}, "type": "club"}, 422, 40001,
				[]string{"parent_id", "type", "name", "region_code"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/admin/orgs", tc.body, tr.rootAdmin.Access).expect(t, tc.status, tc.code)
				got := map[string]bool{}
				for _, d := range r.Details {
					got[d.Field] = true
					if d.Message == "" {
						t.Errorf("field %s without a message", d.Field)
					}
				}
				for _, f := range tc.fields {
					if !got[f] {
						t.Errorf("details lack %s: %s", f, r.Raw)
					}
				}
			})
		}
	})
}

func nextChar(c byte) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[(i+1)%len(alphabet)])
}

func TestOrgReadAndEdit(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var o struct {
			ID, Name, Status string
			ParentID         string `json:"parent_id"`
			Version          int
			Uscc             string
		}
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &o)
		if o.ParentID != tr.c1 || o.Version != 1 || o.Uscc == "" {
			t.Fatalf("org = %+v", o)
		}
		// A chair edits its union's profile but cannot dissolve or retype it.
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"address": "光谷大道1号", "worker_count": 300}, tr.chair1.Access).expect(t, 200, 0)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"status": "dissolved"}, tr.chair1.Access).expect(t, 403, 40300)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"type": "federation"}, tr.chair1.Access).expect(t, 403, 40300)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"parent_id": tr.c2}, tr.rootAdmin.Access).expect(t, 422, 40001).expectField(t, "parent_id")
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"parent_id": nil}, tr.rootAdmin.Access).expect(t, 422, 40001).expectField(t, "parent_id")
		// Issue 16: the refused parent_id is reported with the other bad fields.
		r := e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"parent_id": tr.c2, "name": "甲", "members_to": true, "worker_count": -5},
			tr.rootAdmin.Access).expect(t, 422, 40001)
		if got := detailFields(r); got != "members_to,name,parent_id,worker_count" {
			t.Errorf("PATCH with parent_id and bad fields: details %s", got)
		}
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"version": 1, "name": "过期的修改"}, tr.c1Admin.Access).expect(t, 409, 40900)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"name": "甲"}, tr.c1Admin.Access).expect(t, 422, 40001).expectField(t, "name")
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.staff1.Access).expect(t, 200, 0).decode(t, &o)
		if o.Version != 2 {
			t.Errorf("version after one edit = %d", o.Version)
		}
		// A chair of another union sees nothing of this one.
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.chair3.Access).expect(t, 404, 40400)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u1, map[string]any{"address": "x"}, tr.chair3.Access).expect(t, 404, 40400)
		e.do("GET", "/api/v1/admin/orgs/not-a-number", nil, tr.rootAdmin.Access).expect(t, 404, 40400)

		var kids struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		e.do("GET", "/api/v1/admin/orgs/"+tr.c1+"/children?limit=1", nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &kids)
		if len(kids.Items) != 1 || kids.NextCursor == nil {
			t.Fatalf("first page: %+v", kids)
		}
		first := kids.Items[0].ID
		e.do("GET", "/api/v1/admin/orgs/"+tr.c1+"/children?limit=1&cursor="+*kids.NextCursor, nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &kids)
		if len(kids.Items) != 1 || kids.NextCursor != nil || kids.Items[0].ID == first {
			t.Fatalf("second page: %+v", kids)
		}
		e.do("GET", "/api/v1/admin/orgs/"+tr.c1+"/children?cursor=garbage", nil, tr.c1Admin.Access).expect(t, 400, 40000)
		e.do("GET", "/api/v1/admin/orgs/"+tr.c1+"/children?limit=0", nil, tr.c1Admin.Access).expect(t, 400, 40000)
	})
}

func TestDissolve(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.c2, map[string]any{"status": "dissolved"}, tr.rootAdmin.Access).expect(t, 409, 40900)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u3, map[string]any{"status": "dissolved"}, tr.rootAdmin.Access).expect(t, 200, 0)
		var pub struct {
			Status              string `json:"status"`
			AcceptsApplications bool   `json:"accepts_applications"`
		}
		e.do("GET", "/api/v1/orgs/"+tr.u3, nil, tr.plain.Access).expect(t, 200, 0).decode(t, &pub)
		if pub.Status != "dissolved" || pub.AcceptsApplications {
			t.Errorf("dissolved union public profile: %+v", pub)
		}
		e.do("GET", "/api/v1/admin/orgs/"+tr.u3+"/join-qrcode", nil, tr.rootAdmin.Access).expect(t, 409, 40900)
		// The dissolved union's chair acts nowhere.
		e.do("GET", "/api/v1/admin/orgs/"+tr.u3, nil, tr.chair3.Access).expect(t, 403, 40300)
		// It no longer shows in search.
		var hits struct {
			Items *[]struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		r := e.do("GET", "/api/v1/orgs/search?q=宜昌", nil, tr.plain.Access).expect(t, 200, 0)
		if r.decode(t, &hits); hits.Items == nil || len(*hits.Items) != 0 {
			t.Errorf("dissolved union still searchable: %s", r.Raw)
		}
	})
}

func TestSearchAndPublicProfile(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		e.do("PATCH", "/api/v1/admin/orgs/"+tr.u2, map[string]any{"accepts_applications": false}, tr.c1Admin.Access).expect(t, 200, 0)
		type hit struct {
			ID string `json:"id"`
		}
		var res struct {
			Items []hit `json:"items"`
		}
		tests := []struct {
			name, query string
			want        []string
		}{
			{"by name substring", "q=光谷", []string{tr.u1}},
			{"by unit name", "q=三峡建材", []string{tr.u3}},
			{"by region prefix", "region_code=4201", []string{tr.u1}},
			{"by full region", "region_code=420502", []string{tr.u3}},
			{"not accepting is hidden", "q=长江物流", nil},
			{"wildcards are literal", "q=%25", nil},
			{"everything", "", []string{tr.u3, tr.u1}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do("GET", "/api/v1/orgs/search?"+tc.query, nil, tr.plain.Access).expect(t, 200, 0).decode(t, &res)
				var got []string
				for _, h := range res.Items {
					got = append(got, h.ID)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		e.do("GET", "/api/v1/orgs/search?region_code=abc", nil, tr.plain.Access).expect(t, 400, 40000)
		e.do("GET", "/api/v1/orgs/search", nil, "").expect(t, 401, 40100)
		r := e.do("GET", "/api/v1/orgs/"+tr.u1, nil, tr.plain.Access).expect(t, 200, 0)
		keys := jsonKeys(t, r.Data)
		if !keys["id"] {
			t.Fatalf("public profile without id: %s", r.Raw)
		}
		for _, internal := range []string{"uscc", "worker_count", "version", "path"} {
			if keys[internal] {
				t.Errorf("public profile shows %s: %s", internal, r.Raw)
			}
		}
		e.do("GET", "/api/v1/orgs/999", nil, tr.plain.Access).expect(t, 404, 40400)
	})
}

func TestJoinQRCodeIsCached(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		before := fake.Count("/wxa/getwxacodeunlimit")
		for i := 0; i < 3; i++ {
			r := e.do("GET", "/api/v1/admin/orgs/"+tr.u1+"/join-qrcode", nil, tr.chair1.Access)
			if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(r.Raw, "\xff\xd8") {
				t.Fatalf("join code: %d %s", r.Status, r.Header.Get("Content-Type"))
			}
		}
		if n := fake.Count("/wxa/getwxacodeunlimit") - before; n != 1 {
			t.Errorf("WeChat called %d times for one union", n)
		}
		e.do("GET", "/api/v1/admin/orgs/"+tr.c1+"/join-qrcode", nil, tr.rootAdmin.Access).expect(t, 409, 40900)
	})
}

func TestInvitationRules(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tests := []struct {
			name         string
			by           session
			org, role    string
			status, code int
		}{
			{"federation admin invites a chair below", tr.c1Admin, tr.u1, "union_chair", 201, 0},
			{"federation admin invites an admin at its org", tr.c1Admin, tr.c1, "federation_admin", 201, 0},
			{"federation admin cannot reach above", tr.c1Admin, tr.root, "federation_admin", 404, 40400},
			{"chair invites staff", tr.chair1, tr.u1, "union_staff", 201, 0},
			{"chair invites a verifier", tr.chair1, tr.u1, "verifier", 201, 0},
			{"chair cannot invite a chair", tr.chair1, tr.u1, "union_chair", 403, 40300},
			{"chair cannot invite into another union", tr.chair1, tr.u3, "union_staff", 404, 40400},
			{"staff invites no one", tr.staff1, tr.u1, "verifier", 403, 40300},
			{"verifier invites no one", tr.verif1, tr.u1, "verifier", 403, 40300},
			{"unknown role", tr.rootAdmin, tr.u1, "king", 422, 40001},
			{"chair role at a federation", tr.rootAdmin, tr.c1, "union_chair", 422, 40001},
			{"federation admin at a union", tr.rootAdmin, tr.u1, "federation_admin", 422, 40001},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e.do("POST", "/api/v1/admin/invitations", map[string]any{"org_id": tc.org, "role": tc.role}, tc.by.Access).expect(t, tc.status, tc.code)
			})
		}
	})
}

func TestAcceptInvitation(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var inv struct {
			Code      string    `json:"code"`
			ExpiresAt time.Time `json:"expires_at"`
		}
		e.do("POST", "/api/v1/admin/invitations", map[string]any{"org_id": tr.u1, "role": "union_staff"}, tr.chair1.Access).expect(t, 201, 0).decode(t, &inv)
		if d := inv.ExpiresAt.Sub(e.clock.Now()); d != 7*24*time.Hour {
			t.Errorf("invitation lives %v", d)
		}
		// Concurrent acceptances: the code works once.
		var wg sync.WaitGroup
		users := []session{e.login(uniqueOpenID(t)), e.login(uniqueOpenID(t)), e.login(uniqueOpenID(t))}
		statuses := make([]int, len(users))
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": strings.ToLower(inv.Code)}, u.Access).Status
			}()
		}
		wg.Wait()
		ok, used := 0, 0
		for _, s := range statuses {
			switch s {
			case 200:
				ok++
			case 409:
				used++
			}
		}
		if ok != 1 || used != len(users)-1 {
			t.Fatalf("statuses %v: want one 200 and 409s", statuses)
		}
		// Expired.
		e.do("POST", "/api/v1/admin/invitations", map[string]any{"org_id": tr.u1, "role": "verifier"}, tr.chair1.Access).expect(t, 201, 0).decode(t, &inv)
		e.clock.Advance(7*24*time.Hour + time.Second)
		late := e.login(uniqueOpenID(t))
		e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": inv.Code}, late.Access).expect(t, 404, 40400)
		e.do("POST", "/api/v1/invitations/accept", map[string]string{}, late.Access).expect(t, 422, 40001).expectField(t, "code")
		// Wrong codes are rate-limited per user.
		for i := 0; i < 9; i++ { // 10 tries an hour, the expired code was one
			e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": "WRONGCODE" + string(rune('A'+i))}, late.Access).expect(t, 404, 40400)
		}
		r := e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": "WRONGCODEZ"}, late.Access).expect(t, 429, 42900)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	})
}

func TestRolesAndRevocation(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var me struct {
			Roles []struct {
				ID, OrgID, OrgName, Role string
			} `json:"roles"`
		}
		r := e.do("GET", "/api/v1/me", nil, tr.staff1.Access).expect(t, 200, 0)
		if err := json.Unmarshal(r.Data, &me); err != nil || len(me.Roles) != 1 || me.Roles[0].Role != "union_staff" {
			t.Fatalf("/me roles: %s", r.Raw)
		}
		type binding struct {
			ID   string `json:"id"`
			Role string `json:"role"`
		}
		var list struct {
			Items []binding `json:"items"`
		}
		// The chair sees its staff and verifier, not itself.
		e.do("GET", "/api/v1/admin/roles", nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &list)
		roles := map[string]bool{}
		for _, b := range list.Items {
			roles[b.Role] = true
		}
		if len(list.Items) != 2 || !roles["union_staff"] || !roles["verifier"] {
			t.Fatalf("chair's role list: %+v", list.Items)
		}
		// The federation admin of c1 sees every binding under c1 (itself, chair1, staff1, verif1).
		e.do("GET", "/api/v1/admin/roles", nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &list)
		if len(list.Items) != 4 {
			t.Fatalf("c1 admin sees %d bindings", len(list.Items))
		}
		// A chair cannot revoke a federation admin (404: not visible to it).
		e.do("DELETE", "/api/v1/admin/roles/"+tr.c1Admin.BindingID, nil, tr.chair1.Access).expect(t, 404, 40400)
		// Revoking the staff binding stops it at once.
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.staff1.Access).expect(t, 200, 0)
		e.do("DELETE", "/api/v1/admin/roles/"+tr.staff1.BindingID, nil, tr.chair1.Access).expect(t, 200, 0)
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.staff1.Access).expect(t, 403, 40300)
		e.do("DELETE", "/api/v1/admin/roles/"+tr.staff1.BindingID, nil, tr.chair1.Access).expect(t, 404, 40400)
	})
}

// 换届: a new chair replaces the old one, whose unused invitations die too.
func TestChairHandover(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		var pending struct {
			Code string `json:"code"`
		}
		e.do("POST", "/api/v1/admin/invitations", map[string]any{"org_id": tr.u1, "role": "union_staff"}, tr.chair1.Access).expect(t, 201, 0).decode(t, &pending)
		newChair := tr.invite(tr.c1Admin, tr.u1, "union_chair")
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.chair1.Access).expect(t, 403, 40300)
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, newChair.Access).expect(t, 200, 0)
		// The staff the old chair appointed stay; its unused invitation does not.
		e.do("GET", "/api/v1/admin/orgs/"+tr.u1, nil, tr.staff1.Access).expect(t, 200, 0)
		u := e.login(uniqueOpenID(t))
		e.do("POST", "/api/v1/invitations/accept", map[string]string{"code": pending.Code}, u.Access).expect(t, 404, 40400)
	})
}

// detailFields is the sorted, comma-joined fields of a reply's details.
func detailFields(r reply) string {
	var fields []string
	for _, d := range r.Details {
		fields = append(fields, d.Field)
	}
	sort.Strings(fields)
	return strings.Join(fields, ",")
}
