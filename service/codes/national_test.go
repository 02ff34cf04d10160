package codes_test

import (
	"testing"

	"github.com/unionhub/unionhub/service/codes"
)

func TestNationalGender(t *testing.T) {
	for in, want := range map[string]string{
		codes.GenderMale: "1", codes.GenderFemale: "2", "": "0", "男": "0",
	} {
		if got := codes.NationalGender(in); got != want {
			t.Errorf("NationalGender(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNationalCodes(t *testing.T) {
	tests := []struct {
		what string
		f    func(string) (string, bool)
		in   string
		want string // "" wants false
	}{
		{"ethnicity", codes.NationalEthnicity, "汉族", "01"},
		{"ethnicity", codes.NationalEthnicity, "基诺族", "56"},
		{"ethnicity", codes.NationalEthnicity, "毛难族", "36"},
		{"ethnicity", codes.NationalEthnicity, "其他", "97"},
		{"ethnicity", codes.NationalEthnicity, "火星族", ""},
		{"education", codes.NationalEducation, "小学及以下", "81"},
		{"education", codes.NationalEducation, "技工学校", "47"},
		{"education", codes.NationalEducation, "幼儿园", ""},
		{"political", codes.NationalPolitical, "群众", "13"},
		{"political", codes.NationalPolitical, "九三学社社员", "10"},
		{"political", codes.NationalPolitical, "", ""},
		{"change type", codes.NationalChangeType, "join", "1"},
		{"change type", codes.NationalChangeType, "transfer_in", "2"},
		{"change type", codes.NationalChangeType, "retain", "3"},
		{"change type", codes.NationalChangeType, "transfer_out", "4"},
		{"change type", codes.NationalChangeType, "remove", "5"},
		{"change type", codes.NationalChangeType, "leave", "6"},
		{"change type", codes.NationalChangeType, "restore", ""},
		{"change type", codes.NationalChangeType, "death", ""},
		{"change type", codes.NationalChangeType, "correction", ""},
	}
	for _, tt := range tests {
		got, ok := tt.f(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("%s %q = %q, %v; want %q", tt.what, tt.in, got, ok, tt.want)
		}
	}
	for _, ev := range []string{"join", "transfer_in", "retain", "transfer_out", "remove", "leave"} {
		c, _ := codes.NationalChangeType(ev)
		if _, ok := codes.ChangeType().ByCode(c); !ok {
			t.Errorf("event %s maps to %q, not in ChangeType()", ev, c)
		}
	}
	if e, _ := codes.ChangeReason().ByCode("5"); e.Name != "个人要求退会" {
		t.Errorf("change reason 5 = %+v", e)
	}
	if e, _ := codes.EmploymentStatus().ByCode("4"); e.Name != "退休" {
		t.Errorf("employment status 4 = %+v", e)
	}
}
