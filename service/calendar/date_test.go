package calendar_test

import (
	"encoding/json"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/unionhub/unionhub/service/calendar"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for an error
	}{
		{"2025-01-28", "2025-01-28"},
		{"2024-02-29", "2024-02-29"},
		{"0001-01-01", "0001-01-01"},
		{"2025-02-29", ""}, // not a leap year
		{"2025-13-01", ""},
		{"2025-1-28", ""},
		{"2025/01/28", ""},
		{"2025-01-28T00:00:00Z", ""},
		{" 2025-01-28", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, err := calendar.ParseDate(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("parsed as %s", d)
				}
				return
			}
			if err != nil || d.String() != tc.want {
				t.Fatalf("got %s, %v; want %s", d, err, tc.want)
			}
		})
	}
}

// TestDateAgreesWithTime checks every day from 1999 to 2101 against the
// standard library: the fields, the weekday, the day count.
func TestDateAgreesWithTime(t *testing.T) {
	start := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	d0 := calendar.NewDate(1999, time.January, 1)
	for i := 0; i < 103*366; i++ {
		tm := start.AddDate(0, 0, i)
		d := calendar.DateOf(tm)
		y, m, day := d.Date()
		if y != tm.Year() || m != tm.Month() || day != tm.Day() || d.Weekday() != tm.Weekday() ||
			d.String() != tm.Format(time.DateOnly) || d.Sub(d0) != i || d0.AddDays(i) != d {
			t.Fatalf("day %d: %s (%s) vs %s", i, d, d.Weekday(), tm)
		}
	}
	if !(calendar.Date{}).IsZero() || calendar.NewDate(1, 1, 1) != (calendar.Date{}) {
		t.Error("the zero Date is not 0001-01-01")
	}
	if calendar.NewDate(2025, 2, 30) != calendar.MustParseDate("2025-03-02") {
		t.Error("NewDate does not normalise as time.Date does")
	}
}

func TestDateOfTakesTheZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utc := time.Date(2026, 2, 14, 17, 30, 0, 0, time.UTC) // 01:30 on the 15th in Shanghai
	if got := calendar.DateOf(utc); got.String() != "2026-02-14" {
		t.Errorf("UTC: %s", got)
	}
	if got := calendar.DateOf(utc.In(shanghai)); got.String() != "2026-02-15" {
		t.Errorf("Shanghai: %s", got)
	}
	if got := calendar.MustParseDate("2026-02-15").In(shanghai); !got.Equal(time.Date(2026, 2, 14, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("In: %s", got)
	}
}

func TestDateCompare(t *testing.T) {
	a, b := calendar.MustParseDate("2025-12-31"), calendar.MustParseDate("2026-01-01")
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 || b.Sub(a) != 1 {
		t.Error("2025-12-31 and 2026-01-01 compare wrongly")
	}
}

func TestDateJSONAndYAML(t *testing.T) {
	type doc struct {
		Due  calendar.Date  `json:"due_on" yaml:"due_on"`
		Next *calendar.Date `json:"next,omitempty" yaml:"next,omitempty"`
	}
	raw, err := json.Marshal(doc{Due: calendar.MustParseDate("2026-03-09")})
	if err != nil || string(raw) != `{"due_on":"2026-03-09"}` {
		t.Fatalf("json: %s, %v", raw, err)
	}
	var back doc
	if err := json.Unmarshal(raw, &back); err != nil || back.Due.String() != "2026-03-09" {
		t.Fatalf("json back: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"due_on":"2026-02-30"}`), &back); err == nil {
		t.Error("json accepted 2026-02-30")
	}
	var y doc
	if err := yaml.Unmarshal([]byte("due_on: 2026-03-09\n"), &y); err != nil || y.Due.String() != "2026-03-09" {
		t.Fatalf("yaml (an unquoted date): %+v, %v", y, err)
	}
}

func TestDateSQL(t *testing.T) {
	d := calendar.MustParseDate("2026-10-15")
	if v, err := d.Value(); err != nil || v != "2026-10-15" {
		t.Errorf("Value: %v, %v", v, err)
	}
	if v, err := (calendar.Date{}).Value(); err != nil || v != nil {
		t.Errorf("zero Value: %v, %v (want NULL)", v, err)
	}
	east := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		src  any
		want string // "" for an error; "0001-01-01" for NULL
	}{
		{"text", "2026-10-15", "2026-10-15"},
		{"bytes", []byte("2026-10-15"), "2026-10-15"},
		{"text with a time", "2026-10-15 00:00:00+00:00", "2026-10-15"},
		{"mysql time, UTC", time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), "2026-10-15"},
		{"time in another zone", time.Date(2026, 10, 15, 0, 0, 0, 0, east), "2026-10-15"},
		{"null", nil, "0001-01-01"},
		{"bad text", "15/10/2026", ""},
		{"number", int64(20261015), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got calendar.Date
			err := got.Scan(tc.src)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("scanned as %s", got)
				}
				return
			}
			if err != nil || got.String() != tc.want {
				t.Fatalf("got %s, %v", got, err)
			}
		})
	}
}
