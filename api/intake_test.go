package api_test

import (
	"net/url"
	"testing"
)

// orgAccepts is the part of an admin's org reply the intake tests read.
type orgAccepts struct {
	ID                  string `json:"id"`
	Type                string `json:"type"`
	AcceptsApplications bool   `json:"accepts_applications"`
}

// searchHit is one item of GET /orgs/search.
type searchHit struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	UnitName   *string `json:"unit_name"`
	RegionCode string  `json:"region_code"`
	Intake     bool    `json:"intake"`
}

func (e *testEnv) search(t *testing.T, s session, query string) []searchHit {
	t.Helper()
	var p struct {
		Items []searchHit `json:"items"`
	}
	e.do("GET", "/api/v1/orgs/search?"+query, nil, s.Access).expect(t, 200, 0).decode(t, &p)
	return p.Items
}

// makeIntake has by set org's accepts_applications.
func (tr *tree) makeIntake(by session, org string, on bool) {
	tr.e.t.Helper()
	var o orgAccepts
	tr.e.do("PATCH", "/api/v1/admin/orgs/"+org, map[string]any{"accepts_applications": on}, by.Access).
		expect(tr.e.t, 200, 0).decode(tr.e.t, &o)
	if o.AcceptsApplications != on {
		tr.e.t.Fatalf("accepts_applications of %s is %v, want %v", org, o.AcceptsApplications, on)
	}
}

// TestIntakePointSetting: a federation takes no applications unless a
// federation admin in scope makes it an intake point, on creation or by an
// edit; grassroots unions take them by default.
func TestIntakePointSetting(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		cases := []struct {
			name string
			body map[string]any
			want bool
		}{
			{"federation by default", map[string]any{"name": "洪山区总工会", "type": "federation", "region_code": "420111"}, false},
			{"federation made an intake point", map[string]any{"name": "江汉区总工会", "type": "federation", "region_code": "420103",
				"accepts_applications": true}, true},
			{"federation refusing", map[string]any{"name": "硚口区总工会", "type": "federation", "region_code": "420104",
				"accepts_applications": false}, false},
			{"joint union by default", map[string]any{"name": "光谷联合工会", "type": "grassroots", "union_kind": "joint",
				"region_code": "420111"}, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.body["parent_id"] = tr.c1
				var o orgAccepts
				e.do("POST", "/api/v1/admin/orgs", c.body, tr.c1Admin.Access).expect(t, 201, 0).decode(t, &o)
				if o.AcceptsApplications != c.want {
					t.Fatalf("accepts_applications %v, want %v", o.AcceptsApplications, c.want)
				}
			})
		}

		tr.makeIntake(tr.c1Admin, tr.c1, true) // an admin of the federation itself
		tr.makeIntake(tr.rootAdmin, tr.c2, true)
		tr.makeIntake(tr.rootAdmin, tr.c2, false)
		edits := []struct {
			name         string
			by           session
			org          string
			status, code int
		}{
			{"a chair cannot reach its federation", tr.chair1, tr.c1, 404, 40400},
			{"a federation admin of another city", tr.c1Admin, tr.c2, 404, 40400},
			{"staff may not edit orgs", tr.staff1, tr.u1, 403, 40300},
		}
		for _, c := range edits {
			t.Run(c.name, func(t *testing.T) {
				e.do("PATCH", "/api/v1/admin/orgs/"+c.org, map[string]any{"accepts_applications": true}, c.by.Access).
					expect(t, c.status, c.code)
			})
		}
		var pub struct {
			Type                string `json:"type"`
			AcceptsApplications bool   `json:"accepts_applications"`
		}
		e.do("GET", "/api/v1/orgs/"+tr.c1, nil, tr.plain.Access).expect(t, 200, 0).decode(t, &pub)
		if pub.Type != "federation" || !pub.AcceptsApplications {
			t.Errorf("public profile of the intake point: %+v", pub)
		}
	})
}

// TestIntakeSearch: intake=true lists the federations that are intake
// points, marked intake; without it the search lists grassroots unions
// only, as before.
func TestIntakeSearch(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		tr.makeIntake(tr.rootAdmin, tr.c1, true)
		street := tr.createOrg(tr.c1Admin, tr.c1, map[string]any{"name": "关山街道总工会", "type": "federation",
			"region_code": "420111", "accepts_applications": true, "address": "洪山区关山大道1号"})
		closed := tr.createOrg(tr.c1Admin, tr.c1, map[string]any{"name": "关东街道总工会", "type": "federation",
			"region_code": "420111", "accepts_applications": true})
		e.do("PATCH", "/api/v1/admin/orgs/"+closed, map[string]any{"status": "dissolved"}, tr.rootAdmin.Access).expect(t, 200, 0)

		ids := func(hits []searchHit, intake bool) []string {
			var out []string
			for _, h := range hits {
				if h.Intake != intake {
					t.Errorf("hit %s (%s) has intake %v", h.ID, h.Name, h.Intake)
				}
				out = append(out, h.ID)
			}
			return out
		}
		cases := []struct {
			name   string
			query  url.Values
			intake bool
			want   []string
		}{
			{"intake points, newest first", url.Values{"intake": {"true"}}, true, []string{street, tr.c1}},
			{"by name", url.Values{"intake": {"true"}, "q": {"关山"}}, true, []string{street}},
			{"by region", url.Values{"intake": {"true"}, "region_code": {"4201"}}, true, []string{street, tr.c1}},
			{"another region", url.Values{"intake": {"true"}, "region_code": {"4205"}}, true, nil},
			{"unions only without intake", url.Values{}, false, []string{tr.u3, tr.u2, tr.u1}},
			{"intake=false is the unions", url.Values{"intake": {"false"}, "region_code": {"4201"}}, false, []string{tr.u2, tr.u1}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := ids(e.search(t, tr.plain, c.query.Encode()), c.intake)
				if len(got) != len(c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("got %v, want %v", got, c.want)
					}
				}
			})
		}
		e.do("GET", "/api/v1/orgs/search?intake=yes", nil, tr.plain.Access).expect(t, 400, 40000)
	})
}
