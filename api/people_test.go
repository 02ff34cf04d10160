package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

// minCandidates is how many ID numbers must still fit a list item after
// rebuild has used everything in it.
const minCandidates = 20

// person is a worker whose ID number the people tests know.
type person struct {
	idNumber string
	born     time.Time
}

// hidden is what the mask hides: the eight birth-date digits.
func (p person) hidden() string { return p.idNumber[6:14] }

// yearsOn is the test's own count of completed years from born to the
// civil date of today (a 29 February birthday is reached on 1 March).
func yearsOn(born, today time.Time) int {
	years := today.Year() - born.Year()
	if today.Month() < born.Month() || today.Month() == born.Month() && today.Day() < born.Day() {
		years--
	}
	return years
}

// rebuild is the attack of issue 12 item 1: it tries every birth date for
// the eight hidden characters of masked and keeps the ID numbers that agree
// with the check character and with whatever the item says about the
// birth date (birth_date, age). One survivor means the item gives the ID
// number back; a few mean it gives hidden digits back.
func rebuild(item map[string]any, masked string, today time.Time) []string {
	prefix, suffix := masked[:6], masked[14:]
	var out []string
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); !d.After(today); d = d.AddDate(0, 0, 1) {
		first17 := prefix + d.Format("20060102") + suffix[:3]
		if string(codes.IDCheckChar(first17)) != suffix[3:] {
			continue
		}
		if bd, found := item["birth_date"].(string); found && bd != d.Format("2006-01-02") {
			continue
		}
		if age, found := item["age"].(float64); found && int(age) != yearsOn(d, today) {
			continue
		}
		out = append(out, first17+suffix[3:])
	}
	return out
}

// walkJSON walks a decoded JSON value and calls fn with every value and
// its key path.
func walkJSON(v any, path string, fn func(path string, v any)) {
	fn(path, v)
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkJSON(e, path+"."+k, fn)
		}
	case []any:
		for i, e := range x {
			walkJSON(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// peopleFixture is u1 of a tree with every kind of person an admin lists:
// a member, a submitted and a withdrawn application, and a transfer in.
type peopleFixture struct {
	tr                   *tree
	member               enrolled
	submitted, withdrawn appView
	submitter            applicant // of submitted
	transfer             string
	// people by masked ID number.
	people map[string]person
	today  time.Time // the business date
}

func newPeopleFixture(t *testing.T, e *testEnv) *peopleFixture {
	t.Helper()
	// 17:00 UTC is 01:00 the next day in Shanghai: an age counted on the
	// UTC date would be a year short for m's birthday.
	e.clock.Advance(7 * time.Hour)
	tr := newTree(t, e)
	f := &peopleFixture{tr: tr, people: map[string]person{}}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	y, mo, d := e.clock.Now().In(loc).Date()
	f.today = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	add := func(birth string, seq int) applicant {
		id := idNumber(birth, seq)
		born, _ := time.Parse("20060102", birth)
		f.people[id[:6]+"********"+id[14:]] = person{idNumber: id, born: born}
		return e.newApplicant(fmt.Sprintf("1360000%04d", seq), id)
	}
	birthday := f.today.AddDate(-40, 0, 0).Format("20060102") // 40 today in Shanghai, 39 in UTC
	ma := add(birthday, 901)
	v := e.apply(ma, tr.u1)
	var res approvalReply
	e.do("POST", "/api/v1/admin/applications/"+v.ID+"/approve", map[string]any{"version": v.Version}, tr.chair1.Access).
		expect(t, 200, 0).decode(t, &res)
	f.member = enrolled{applicant: ma, MemberID: res.Member.ID}
	f.submitter = add("20000315", 902)
	f.submitted = e.apply(f.submitter, tr.u1)
	wa := add("19950101", 903)
	f.withdrawn = e.apply(wa, tr.u1)
	e.do("POST", "/api/v1/applications/"+f.withdrawn.ID+"/withdraw", nil, wa.Access).expect(t, 200, 0)
	f.transfer = tr.transfer(tr.u1)
	return f
}

// check fails when an item of a list of people gives a hidden digit back
// or shows the name to the wrong viewer (API.md §1, Lists of people).
func (f *peopleFixture) check(t *testing.T, item map[string]any, fullName bool) {
	t.Helper()
	walkJSON(item, "", func(path string, v any) {
		if strings.HasSuffix(path, ".birth_date") {
			t.Errorf("%s: a list of people carries birth_date", path)
		}
		s, isString := v.(string)
		if !isString {
			return
		}
		for _, p := range f.people {
			if strings.Contains(s, p.hidden()) || strings.Contains(s, p.born.Format("2006-01-02")) {
				t.Errorf("%s = %q names a hidden birth date", path, s)
			}
		}
	})
	masked, found := item["id_number_masked"].(string)
	if !found {
		return // no person's ID number in it (a transfer, an event)
	}
	p, known := f.people[masked]
	if !known {
		t.Fatalf("item of an unknown person: %v", item)
	}
	// A withdrawn application shows no age and a masked name to everyone
	// (withdrawing consent withdraws it; the list cannot tell the two).
	withdrawn := item["status"] == "withdrawn"
	if withdrawn {
		if age, has := item["age"]; has && age != nil {
			t.Errorf("age %v of a withdrawn application, want none", age)
		}
		fullName = false
	} else if age, _ := item["age"].(float64); int(age) != yearsOn(p.born, f.today) {
		t.Errorf("age %v, want %d (completed years on the business date)", item["age"], yearsOn(p.born, f.today))
	}
	// Age alone leaves the 366 or so birth dates of one year of birth, of
	// which about one in eleven fits the check character: some 33 ID
	// numbers. Far fewer means the item tells more than the age.
	if got := rebuild(item, masked, f.today); len(got) < minCandidates {
		t.Errorf("the item narrows the ID number to %d: %v from %v", len(got), got, item)
	}
	want := "张*"
	if fullName {
		want = "张三"
	}
	if item["name"] != want {
		t.Errorf("name %v, want %s", item["name"], want)
	}
	if nm, has := item["name_masked"]; has && nm != "张*" {
		t.Errorf("name_masked %v", nm)
	}
}

// itemsOf returns the items of a list reply, or the object of a single one.
func itemsOf(t *testing.T, r reply) []map[string]any {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	r.decode(t, &list)
	if list.Items != nil {
		return list.Items
	}
	var one map[string]any
	r.decode(t, &one)
	return []map[string]any{one}
}

// TestListsOfPeopleHideBirthDates: no list of people lets its reader
// rebuild a masked ID number; age stands for the birth date; names are in
// full for the union's own chair and staff and masked for federation
// admins (issue 12 item 1).
func TestListsOfPeopleHideBirthDates(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		f := newPeopleFixture(t, e)
		tr := f.tr
		routes := []struct {
			name, path string
			want       int // items at least
		}{
			{"members", "/api/v1/admin/members?org_id=" + tr.u1, 1},
			{"member detail", "/api/v1/admin/members/" + f.member.MemberID, 1},
			{"member events", "/api/v1/admin/members/" + f.member.MemberID + "/events", 1},
			{"review queue", "/api/v1/admin/applications?org_id=" + tr.u1, 2},
			{"submitted", "/api/v1/admin/applications?status=submitted", 1},
			{"withdrawn", "/api/v1/admin/applications?status=withdrawn", 1},
			{"transfers", "/api/v1/admin/transfers?org_id=" + tr.u1, 1},
		}
		viewers := []struct {
			name     string
			s        session
			fullName bool
		}{
			{"union_staff", tr.staff1, true},
			{"union_chair", tr.chair1, true},
			{"federation_admin of the city", tr.c1Admin, false},
			{"federation_admin of the province", tr.rootAdmin, false},
		}
		for _, v := range viewers {
			for _, rt := range routes {
				t.Run(v.name+"/"+rt.name, func(t *testing.T) {
					items := itemsOf(t, e.do("GET", rt.path, nil, v.s.Access).expect(t, 200, 0))
					if len(items) < rt.want {
						t.Fatalf("%d items, want at least %d", len(items), rt.want)
					}
					for _, it := range items {
						f.check(t, it, v.fullName)
					}
				})
			}
		}
	})
}

// TestAdminRepliesHideBirthDates: the replies of admin writes about a
// person (decisions, corrections, status moves) follow the same rule; only
// the audited detail shows the ID number, and with it the birth date.
func TestAdminRepliesHideBirthDates(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		f := newPeopleFixture(t, e)
		tr := f.tr
		app := "/api/v1/admin/applications/" + f.submitted.ID
		member := "/api/v1/admin/members/" + f.member.MemberID
		version := f.submitted.Version
		resubmit := func(t *testing.T) { // the applicant fixes the returned application
			var v appView
			e.do("POST", "/api/v1/applications/"+f.submitted.ID+"/submit", nil, f.submitter.Access).expect(t, 200, 0).decode(t, &v)
			version = v.Version
		}
		tests := []struct {
			name, method, path string
			before             func(t *testing.T)
			body               func() map[string]any
			by                 session
			fullName           bool
			pick               string // the reply's part that holds the person
		}{
			{"return by staff", "POST", app + "/return", nil,
				func() map[string]any { return map[string]any{"version": version, "reason": "照片不清晰"} }, tr.staff1, true, ""},
			{"approve by federation admin", "POST", app + "/approve", resubmit,
				func() map[string]any { return map[string]any{"version": version} }, tr.c1Admin, false, "application"},
			{"correction by chair", "PATCH", member, nil,
				func() map[string]any {
					return map[string]any{"version": 1, "reason": "学历录错", "education": "大学专科"}
				}, tr.chair1, true, ""},
			{"status by federation admin", "POST", member + "/status", nil,
				func() map[string]any { return map[string]any{"status": "retained", "reason": "退休"} }, tr.rootAdmin, false, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if tc.before != nil {
					tc.before(t)
				}
				r := e.do(tc.method, tc.path, tc.body(), tc.by.Access).expect(t, 200, 0)
				var data map[string]any
				r.decode(t, &data)
				if tc.pick != "" {
					data, _ = data[tc.pick].(map[string]any)
				}
				f.check(t, data, tc.fullName)
			})
		}
		// The audited detail keeps the ID number, the phone and the birth date.
		var d map[string]any
		e.do("GET", app, nil, tr.c1Admin.Access).expect(t, 200, 0).decode(t, &d)
		if p := f.people[d["id_number_masked"].(string)]; d["id_number"] != p.idNumber || d["birth_date"] != p.born.Format("2006-01-02") {
			t.Errorf("audited detail: %v", d)
		}
	})
}
