package codes_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestDictsKeysAndSizes(t *testing.T) {
	want := map[string]int{
		"ethnicity": 57, "education": 9, "political_status": 13, "household_type": 3,
		"work_type": 2, "member_status": 6, "unit_type": 8,
	}
	got := codes.Dicts()
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("keys %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for k, n := range want {
		if len(got[k]) != n {
			t.Errorf("%s: %d entries, want %d", k, len(got[k]), n)
		}
		for _, e := range got[k] {
			if e.Code == "" || e.Name == "" {
				t.Errorf("%s: empty entry %+v", k, e)
			}
		}
	}
}

func TestDictsUnique(t *testing.T) {
	all := map[string]*codes.Dict{
		"ethnicity": codes.Ethnicity(), "education": codes.Education(),
		"political_status": codes.PoliticalStatus(), "household_type": codes.HouseholdType(),
		"work_type": codes.WorkType(), "member_status": codes.MemberStatus(),
		"unit_type": codes.UnitType(), "gender": codes.Gender(), "change_type": codes.ChangeType(),
		"change_reason": codes.ChangeReason(), "employment_status": codes.EmploymentStatus(),
	}
	for k, d := range all {
		es := d.Entries()
		if len(es) != d.Len() {
			t.Errorf("%s: Len %d, %d entries", k, d.Len(), len(es))
		}
		codesSeen, names := map[string]bool{}, map[string]bool{}
		for _, e := range es {
			if codesSeen[e.Code] || names[e.Name] {
				t.Errorf("%s: duplicate %+v", k, e)
			}
			codesSeen[e.Code], names[e.Name] = true, true
			if got, ok := d.ByCode(e.Code); !ok || got != e {
				t.Errorf("%s: ByCode(%q) = %+v, %v", k, e.Code, got, ok)
			}
			if got, ok := d.ByName(e.Name); !ok || got != e {
				t.Errorf("%s: ByName(%q) = %+v, %v", k, e.Name, got, ok)
			}
			if got, ok := d.Match(" " + e.Name + " "); !ok || got != e {
				t.Errorf("%s: Match(%q) = %+v, %v", k, e.Name, got, ok)
			}
		}
	}
}

func TestEntriesIsACopy(t *testing.T) {
	es := codes.Ethnicity().Entries()
	es[0] = codes.Entry{Code: "xx", Name: "changed"}
	if got := codes.Ethnicity().Entries()[0]; got != (codes.Entry{Code: "01", Name: "汉族"}) {
		t.Fatalf("list changed through a returned slice: %+v", got)
	}
	d := codes.Dicts()
	d["education"][0].Name = "changed"
	if codes.Dicts()["education"][0].Name != "博士研究生" {
		t.Fatal("Dicts shares its slices")
	}
}

func TestEthnicity(t *testing.T) {
	d := codes.Ethnicity()
	es := d.Entries()
	for i, e := range es[:56] {
		if want := twoDigits(i + 1); e.Code != want {
			t.Errorf("entry %d code %s, want %s", i, e.Code, want)
		}
	}
	checkEntry(t, es[56], "97", "其他")
	checkLookup(t, "ByCode 15", d.ByCode, "15", "15", "土家族")
	checkLookup(t, "ByCode 36", d.ByCode, "36", "36", "毛南族")
	checkLookup(t, "ByCode 98, decoded only", d.ByCode, "98", "98", "外国血统中国籍人士")
	checkLookup(t, "Match 1991 spelling", d.Match, "毛难族", "36", "毛南族")
	checkLookup(t, "Match 其它", d.Match, "其它", "97", "其他")
	for _, name := range []string{"毛难族", "外国血统中国籍人士", "汉", "汉族 ", ""} {
		if e, ok := d.ByName(name); ok {
			t.Errorf("ByName(%q) = %+v, want none (the form takes canonical names)", name, e)
		}
	}
	if e, ok := d.Match("外国血统中国籍人士"); ok {
		t.Errorf("Match(98's name) = %+v, want none", e)
	}
	if slices.ContainsFunc(es, func(e codes.Entry) bool { return e.Code == "98" }) {
		t.Error("98 is listed")
	}
}

func TestFormLists(t *testing.T) {
	tests := []struct {
		d     *codes.Dict
		pairs []string // code, name, code, name …
	}{
		{codes.Education(), []string{"11", "博士研究生", "14", "硕士研究生", "21", "大学本科", "31", "大学专科",
			"41", "中专", "47", "技工学校", "61", "高中", "71", "初中", "81", "小学及以下"}},
		{codes.PoliticalStatus(), []string{"01", "中共党员", "02", "中共预备党员", "03", "共青团员", "04", "民革党员",
			"05", "民盟盟员", "06", "民建会员", "07", "民进会员", "08", "农工党党员", "09", "致公党党员",
			"10", "九三学社社员", "11", "台盟盟员", "12", "无党派人士", "13", "群众"}},
		{codes.HouseholdType(), []string{"agricultural", "农业户口", "non_agricultural", "非农业户口", "resident", "居民户口"}},
		{codes.WorkType(), []string{"stable", "稳定就业", "floating", "流动就业"}},
		{codes.MemberStatus(), []string{"active", "在会", "retained", "保留会籍", "suspended", "暂停会籍",
			"left", "已退会", "removed", "已除名", "deceased", "已故"}},
		{codes.Gender(), []string{"0", "未知的性别", "1", "男", "2", "女", "9", "未说明的性别"}},
		{codes.ChangeType(), []string{"1", "入会", "2", "转入", "3", "保留", "4", "转出", "5", "除名", "6", "退会"}},
	}
	for _, tt := range tests {
		es := tt.d.Entries()
		if len(es)*2 != len(tt.pairs) {
			t.Errorf("%v: %d entries, want %d", es, len(es), len(tt.pairs)/2)
			continue
		}
		for i, e := range es {
			checkEntry(t, e, tt.pairs[2*i], tt.pairs[2*i+1])
		}
	}
}

func TestMatchAliases(t *testing.T) {
	tests := []struct {
		d          *codes.Dict
		in         string
		code, name string
	}{
		{codes.Education(), "本科", "21", "大学本科"},
		{codes.Education(), "大专", "31", "大学专科"},
		{codes.Education(), "中等专科毕业", "41", "中专"},
		{codes.Education(), "技校", "47", "技工学校"},
		{codes.Education(), "普通高中毕业", "61", "高中"},
		{codes.Education(), "小学", "81", "小学及以下"},
		{codes.PoliticalStatus(), "中国共产党党员", "01", "中共党员"},
		{codes.PoliticalStatus(), "中国共产主义青年团团员", "03", "共青团员"},
		{codes.PoliticalStatus(), "民革会员", "04", "民革党员"},
		{codes.PoliticalStatus(), "台湾民主自治同盟盟员", "11", "台盟盟员"},
		{codes.PoliticalStatus(), "无党派民主人士", "12", "无党派人士"},
		{codes.HouseholdType(), "非农业", "non_agricultural", "非农业户口"},
	}
	for _, tt := range tests {
		checkLookup(t, "Match", tt.d.Match, tt.in, tt.code, tt.name)
		if _, ok := tt.d.ByName(tt.in); ok {
			t.Errorf("ByName(%q) accepted an alias", tt.in)
		}
	}
	if e, ok := codes.PoliticalStatus().Match("民主党派"); ok {
		t.Errorf("Match(民主党派) = %+v", e)
	}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func checkEntry(t *testing.T, e codes.Entry, code, name string) {
	t.Helper()
	if e.Code != code || e.Name != name {
		t.Errorf("entry %+v, want {%s %s}", e, code, name)
	}
}

func checkLookup(t *testing.T, what string, f func(string) (codes.Entry, bool), in, code, name string) {
	t.Helper()
	e, ok := f(in)
	if !ok || e.Code != code || e.Name != name {
		t.Errorf("%s(%q) = %+v, %v; want {%s %s}", what, in, e, ok, code, name)
	}
}
