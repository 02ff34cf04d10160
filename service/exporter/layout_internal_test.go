package exporter

import (
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+86138": "'+86138", "-3": "'-3", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "张三": "张三", "a=b": "a=b", "11010519491231002X": "11010519491231002X",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRollEvent(t *testing.T) {
	at := func(day int, code string) model.MembershipEvent {
		return model.MembershipEvent{NationalCode: &code, CreatedAt: time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC)}
	}
	evs := map[string]model.MembershipEvent{"1": at(1, "1"), "2": at(5, "2"), "3": at(9, "3")}
	tests := []struct {
		status string
		evs    map[string]model.MembershipEvent
		want   string
	}{
		{model.MemberActive, evs, "2"}, // transferred in after joining; the later 保留 was left
		{model.MemberRetained, evs, "3"},
		{model.MemberSuspended, map[string]model.MembershipEvent{"1": at(1, "1")}, "1"},
		{model.MemberRetained, map[string]model.MembershipEvent{"1": at(1, "1")}, ""},
		{model.MemberActive, nil, ""},
	}
	for _, tc := range tests {
		got := rollEvent(&model.Member{Status: tc.status}, tc.evs)
		if (got == nil) != (tc.want == "") || got != nil && *got.NationalCode != tc.want {
			t.Errorf("%s %v: got %+v, want %q", tc.status, tc.evs, got, tc.want)
		}
	}
}
