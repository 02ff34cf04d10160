package codes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

func TestIDCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		{"11010519491231002", 'X'}, // the example of GB 11643
		{"44030519900101123", mkID("440305", "19900101", "123")[17]},
		{"1101051949123100", 0},
		{"110105194912310020", 0},
		{"1101051949123100a", 0},
		{"１1010519491231002", 0},
	}
	for _, tt := range tests {
		if got := codes.IDCheckChar(tt.first17); got != tt.want {
			t.Errorf("IDCheckChar(%q) = %q, want %q", tt.first17, got, tt.want)
		}
	}
}

func TestParseIDNumber(t *testing.T) {
	now := time.Date(2026, 7, 15, 12, 0, 0, 0, shanghai)
	valid := mkID("440305", "19900101", "123")
	lastWrong := valid[:17] + map[bool]string{true: "1", false: "2"}[valid[17] != '1']
	tests := []struct {
		name   string
		in     string
		idType string
		reason codes.Reason
		want   codes.ID // checked when reason is ""
	}{
		{name: "GB 11643 example, born 1949-12-31", in: "11010519491231002X",
			want: id(codes.IDTypeResident, "11010519491231002X", "1949-12-31", codes.GenderFemale, "110105")},
		{name: "lower-case x", in: "11010519491231002x",
			want: id(codes.IDTypeResident, "11010519491231002X", "1949-12-31", codes.GenderFemale, "110105")},
		{name: "spaces around", in: " \t11010519491231002X ", idType: codes.IDTypeResident,
			want: id(codes.IDTypeResident, "11010519491231002X", "1949-12-31", codes.GenderFemale, "110105")},
		{name: "male, odd 17th digit", in: valid,
			want: id(codes.IDTypeResident, valid, "1990-01-01", codes.GenderMale, "440305")},
		{name: "29 February of a leap year", in: mkID("320102", "20000229", "456"),
			want: id(codes.IDTypeResident, mkID("320102", "20000229", "456"), "2000-02-29", codes.GenderFemale, "320102")},
		{name: "abolished county code", in: mkID("513229", "19780512", "337"),
			want: id(codes.IDTypeResident, mkID("513229", "19780512", "337"), "1978-05-12", codes.GenderMale, "513229")},
		{name: "born 1900-01-01", in: mkID("650102", "19000101", "002"),
			want: id(codes.IDTypeResident, mkID("650102", "19000101", "002"), "1900-01-01", codes.GenderFemale, "650102")},
		{name: "Hong Kong permit", in: mkID("810000", "19850610", "001"), idType: codes.IDTypePermit,
			want: id(codes.IDTypePermit, mkID("810000", "19850610", "001"), "1985-06-10", codes.GenderMale, "810000")},
		{name: "Macau permit", in: mkID("820000", "19921120", "024"), idType: codes.IDTypePermit,
			want: id(codes.IDTypePermit, mkID("820000", "19921120", "024"), "1992-11-20", codes.GenderFemale, "820000")},
		{name: "Taiwan permit", in: mkID("830000", "19700301", "015"), idType: codes.IDTypePermit,
			want: id(codes.IDTypePermit, mkID("830000", "19700301", "015"), "1970-03-01", codes.GenderMale, "830000")},

		{name: "unknown type", in: valid, idType: "passport", reason: codes.ReasonIDType},
		{name: "empty", in: "", reason: codes.ReasonRequired},
		{name: "blank", in: "   ", reason: codes.ReasonRequired},
		{name: "old 15-digit number", in: "110105491231002", reason: codes.ReasonIDOld15},
		{name: "17 characters", in: valid[:17], reason: codes.ReasonIDLength},
		{name: "19 characters", in: valid + "0", reason: codes.ReasonIDLength},
		{name: "space inside", in: valid[:6] + " " + valid[6:17], reason: codes.ReasonIDChars},
		{name: "full-width digits", in: fullWidth(valid), reason: codes.ReasonIDChars},
		{name: "one full-width digit", in: fullWidth(valid[:1]) + valid[1:], reason: codes.ReasonIDChars},
		{name: "X not last", in: "1101051949123100X2", reason: codes.ReasonIDChars},
		{name: "letter other than X", in: valid[:17] + "Y", reason: codes.ReasonIDChars},
		{name: "Chinese characters", in: "一二三四五六七八九十一二三四五六七八", reason: codes.ReasonIDChars},
		{name: "resident ID with Hong Kong prefix", in: mkID("810000", "19850610", "001"), reason: codes.ReasonIDIsPermit},
		{name: "resident ID with Taiwan permit prefix", in: mkID("830000", "19850610", "001"), reason: codes.ReasonIDIsPermit},
		{name: "resident ID with 71 (Taiwan in GB/T 2260)", in: mkID("710000", "19850610", "001"), reason: codes.ReasonIDRegion},
		{name: "resident ID with 00", in: mkID("000000", "19850610", "001"), reason: codes.ReasonIDRegion},
		{name: "resident ID with 91", in: mkID("910000", "19850610", "001"), reason: codes.ReasonIDRegion},
		{name: "permit with mainland prefix", in: valid, idType: codes.IDTypePermit, reason: codes.ReasonIDPermitPrefix},
		{name: "29 February of a common year", in: mkID("320102", "20010229", "456"), reason: codes.ReasonIDBirthDate},
		{name: "29 February 1900, not leap", in: mkID("320102", "19000229", "456"), reason: codes.ReasonIDBirthDate},
		{name: "month 13", in: mkID("320102", "19991301", "456"), reason: codes.ReasonIDBirthDate},
		{name: "day 32", in: mkID("320102", "19991232", "456"), reason: codes.ReasonIDBirthDate},
		{name: "31 April", in: mkID("320102", "19990431", "456"), reason: codes.ReasonIDBirthDate},
		{name: "zero date", in: mkID("320102", "00000000", "456"), reason: codes.ReasonIDBirthDate},
		{name: "before 1900", in: mkID("320102", "18991231", "456"), reason: codes.ReasonIDBirthDate},
		{name: "in the future", in: mkID("320102", "20300101", "456"), reason: codes.ReasonIDBirthDate},
		{name: "tomorrow", in: mkID("320102", "20260716", "456"), reason: codes.ReasonIDBirthDate},
		{name: "born today", in: mkID("320102", "20260715", "456"), reason: codes.ReasonIDUnderAge},
		{name: "wrong check character", in: lastWrong, reason: codes.ReasonIDCheckChar},
		{name: "two digits swapped", in: valid[:14] + valid[15:16] + valid[14:15] + valid[16:], reason: codes.ReasonIDCheckChar},
		{name: "15 years old", in: mkID("320102", "20110101", "456"), reason: codes.ReasonIDUnderAge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codes.ParseIDNumber(tt.in, tt.idType, now, shanghai)
			wantReason(t, err, tt.reason)
			if tt.reason == "" && got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseIDNumberUnderAgeReturnsID(t *testing.T) {
	now := time.Date(2026, 7, 15, 12, 0, 0, 0, shanghai)
	in := mkID("420106", "20150101", "371")
	got, err := codes.ParseIDNumber(in, "", now, shanghai)
	wantReason(t, err, codes.ReasonIDUnderAge)
	if want := id(codes.IDTypeResident, in, "2015-01-01", codes.GenderMale, "420106"); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestParseIDNumberAge checks the 16th birthday in the business zone: it
// begins at midnight in Shanghai, eight hours before midnight UTC.
func TestParseIDNumberAge(t *testing.T) {
	tests := []struct {
		name   string
		birth  string
		now    time.Time
		loc    *time.Location
		reason codes.Reason
	}{
		{"last second before the 16th birthday", "20100302",
			time.Date(2026, 3, 1, 15, 59, 59, 0, time.UTC), shanghai, codes.ReasonIDUnderAge},
		{"first second of the 16th birthday", "20100302",
			time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC), shanghai, ""},
		{"same instant, but still the day before in UTC", "20100302",
			time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC), time.UTC, codes.ReasonIDUnderAge},
		{"nil zone takes now's zone", "20100302",
			time.Date(2026, 3, 2, 0, 0, 0, 0, shanghai), nil, ""},
		{"a day after the 16th birthday", "20100302",
			time.Date(2026, 3, 3, 9, 0, 0, 0, shanghai), shanghai, ""},
		{"born 29 February, 16 on a leap day", "20080229",
			time.Date(2024, 2, 29, 0, 0, 0, 0, shanghai), shanghai, ""},
		{"born 29 February, the day before", "20080229",
			time.Date(2024, 2, 28, 23, 59, 59, 0, shanghai), shanghai, codes.ReasonIDUnderAge},
		{"born 29 February, 2100 has none: not yet on 28 February", "20840229",
			time.Date(2100, 2, 28, 12, 0, 0, 0, shanghai), shanghai, codes.ReasonIDUnderAge},
		{"born 29 February, 2100 has none: 16 on 1 March", "20840229",
			time.Date(2100, 3, 1, 0, 0, 0, 0, shanghai), shanghai, ""},
		{"born today in Shanghai, where it is already 16 July", "20260716",
			time.Date(2026, 7, 15, 17, 0, 0, 0, time.UTC), shanghai, codes.ReasonIDUnderAge},
		{"born today in Shanghai, still tomorrow in UTC", "20260716",
			time.Date(2026, 7, 15, 17, 0, 0, 0, time.UTC), time.UTC, codes.ReasonIDBirthDate},
		{"elderly member", "19300101",
			time.Date(2026, 7, 15, 12, 0, 0, 0, shanghai), shanghai, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := codes.ParseIDNumber(mkID("310104", tt.birth, "128"), codes.IDTypeResident, tt.now, tt.loc)
			wantReason(t, err, tt.reason)
		})
	}
}

func id(typ, number, birth, gender, region string) codes.ID {
	d, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		panic(err)
	}
	return codes.ID{Type: typ, Number: number, BirthDate: d, Gender: gender, RegionCode: region}
}

// fullWidth turns ASCII digits and letters into their full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r - '!' + '！'
		}
		return r
	}, s)
}
