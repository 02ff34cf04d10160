package importer

import (
	"strings"
	"testing"
	"time"
)

func TestLostDigits(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"1.1010519491231E+17", true},
		{"1.10105E+17", true},
		{"110105194912310000", true}, // 15 significant digits, then zeros
		{"4.2011119850505E+17", true},
		{"110105194912310020", false}, // every digit there: a text cell's check decides
		{"11010519491231002X", false},
		{"1101051949", false},
		{"abc.def", false},
	}
	for _, tc := range tests {
		if got := lostDigits(tc.raw); got != tc.want {
			t.Errorf("lostDigits(%q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func TestJoinedOn(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	rc := rowChecker{now: time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC), loc: loc} // 28 Nov in Shanghai
	tests := []struct {
		in, want, err string
	}{
		{"", "2026-11-28", ""},
		{"2024-03-01", "2024-03-01", ""},
		{"2024/3/1", "2024-03-01", ""},
		{"2024.03.01", "2024-03-01", ""},
		{"2024年3月1日", "2024-03-01", ""},
		{"45352", "2024-03-01", ""},   // an Excel date serial
		{"45352.5", "2024-03-01", ""}, // with a time of day
		{"2024-03-01T00:00:00Z", "2024-03-01", ""},
		{"2026-11-28", "2026-11-28", ""},
		{"2026-11-29", "", "不能晚于今天"},
		{"2024-02-30", "", "格式"},
		{"昨天", "", "格式"},
		{"1", "", "不正确"},
	}
	for _, tc := range tests {
		got, msg := rc.joinedOn(tc.in)
		if got != tc.want || !strings.Contains(msg, tc.err) || (tc.err == "") != (msg == "") {
			t.Errorf("joinedOn(%q) = %q, %q; want %q, %q", tc.in, got, msg, tc.want, tc.err)
		}
	}
	rc.date1904 = true
	if got, _ := rc.joinedOn("43890"); got != "2024-03-01" {
		t.Errorf("1904 date system: %s", got)
	}
}

func TestReadHeader(t *testing.T) {
	l, missing := readHeader([]string{"序号", " 身份证号 ", "姓名*", "入会日期（年-月-日）", "姓名", "手机号"})
	if len(missing) != 0 || l[colIDNumber] != 1 || l[colName] != 2 || l[colJoinedOn] != 3 || l[colPhone] != 5 || l[colEthnicity] != -1 {
		t.Fatalf("layout %v, missing %v", l, missing)
	}
	_, missing = readHeader([]string{"姓名", "民族"})
	if len(missing) != 2 || missing[0] != colIDNumber || missing[1] != colPhone {
		t.Fatalf("missing %v", missing)
	}
}

func TestPhoneAndYesNo(t *testing.T) {
	for in, want := range map[string]string{"13800138000": "13800138000", "1.3800138E+10": "13800138000",
		"+86 138-0013-8000": "13800138000"} {
		if got, msg := phone(in); got != want || msg != "" {
			t.Errorf("phone(%q) = %q, %q", in, got, msg)
		}
	}
	if _, msg := phone("12345"); msg == "" {
		t.Error("a short phone passed")
	}
	for in, want := range map[string]bool{"是": true, "否": false, "": false, "TRUE": true, "1": true, "n": false} {
		if got, ok := yesNo(in); !ok || got != want {
			t.Errorf("yesNo(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := yesNo("也许"); ok {
		t.Error("也许 passed")
	}
}
