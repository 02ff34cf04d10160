package calendar_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/calendar"
)

var d = calendar.MustParseDate

func TestBuiltinYears(t *testing.T) {
	c := calendar.Default()
	if got := c.Years(); !slices.Equal(got, []int{2025, 2026}) {
		t.Fatalf("built-in years %v", got)
	}
	if c.Covers(2027) || c.Covers(2024) || c.Source(2025) == "" {
		t.Error("coverage or sources wrong")
	}
	// The working days of each year, counted by hand from the notices:
	// 365 days, 104 weekend days, 18 (2025) and 19 (2026) holidays on
	// weekdays, 5 and 6 make-up days.
	for _, tc := range []struct {
		year string
		want int
	}{{"2025", 248}, {"2026", 248}, {"2027", 261}} {
		prev := d(tc.year + "-01-01").AddDays(-1)
		if got := c.WorkingDaysBetween(prev, d(tc.year+"-12-31")); got != tc.want {
			t.Errorf("%s: %d working days, want %d", tc.year, got, tc.want)
		}
	}
}

// TestIsWorkingDay walks the Spring Festival and National Day weeks of
// 2025 and 2026 day by day, with their make-up Saturdays and Sundays, and
// the other holidays' edges.
func TestIsWorkingDay(t *testing.T) {
	tests := []struct {
		date string
		want bool
		why  string
	}{
		// 2025 Spring Festival: 1-28 (除夕) to 2-4 off; Sunday 1-26 and Saturday 2-8 on.
		{"2025-01-25", false, "Saturday"},
		{"2025-01-26", true, "make-up Sunday"},
		{"2025-01-27", true, "Monday"},
		{"2025-01-28", false, "除夕, new from 2025"},
		{"2025-01-31", false, "Friday in the holiday"},
		{"2025-02-01", false, "Saturday in the holiday"},
		{"2025-02-04", false, "last day, Tuesday"},
		{"2025-02-05", true, "back to work"},
		{"2025-02-08", true, "make-up Saturday"},
		{"2025-02-09", false, "Sunday"},
		// 2025 National Day and Mid-Autumn: 10-1 to 10-8 off; Sunday 9-28 and Saturday 10-11 on.
		{"2025-09-27", false, "Saturday"},
		{"2025-09-28", true, "make-up Sunday"},
		{"2025-09-30", true, "Tuesday"},
		{"2025-10-01", false, "国庆节"},
		{"2025-10-06", false, "中秋节, Monday"},
		{"2025-10-08", false, "last day, Wednesday"},
		{"2025-10-09", true, "Thursday"},
		{"2025-10-11", true, "make-up Saturday"},
		{"2025-10-12", false, "Sunday"},
		// 2025's other holidays.
		{"2025-01-01", false, "元旦, Wednesday"},
		{"2025-01-02", true, "Thursday"},
		{"2025-04-27", true, "make-up Sunday for 劳动节"},
		{"2025-05-02", false, "劳动节's new second day"},
		{"2025-05-05", false, "劳动节, Monday"},
		{"2025-06-02", false, "端午节, Monday"},
		// 2026 Spring Festival: 2-15 to 2-23 off; Saturdays 2-14 and 2-28 on.
		{"2026-02-13", true, "Friday"},
		{"2026-02-14", true, "make-up Saturday"},
		{"2026-02-15", false, "腊月二十八, Sunday"},
		{"2026-02-16", false, "除夕, Monday"},
		{"2026-02-20", false, "Friday in the holiday"},
		{"2026-02-23", false, "last day, Monday"},
		{"2026-02-24", true, "back to work"},
		{"2026-02-28", true, "make-up Saturday"},
		{"2026-03-01", false, "Sunday"},
		// 2026 Mid-Autumn 9-25 to 9-27, National Day 10-1 to 10-7; Sunday 9-20 and Saturday 10-10 on.
		{"2026-09-19", false, "Saturday"},
		{"2026-09-20", true, "make-up Sunday"},
		{"2026-09-25", false, "中秋节, Friday"},
		{"2026-09-28", true, "Monday between the two"},
		{"2026-10-01", false, "国庆节"},
		{"2026-10-07", false, "last day, Wednesday"},
		{"2026-10-08", true, "Thursday"},
		{"2026-10-10", true, "make-up Saturday"},
		{"2026-10-11", false, "Sunday"},
		// 2026's other holidays.
		{"2026-01-02", false, "元旦, Friday"},
		{"2026-01-04", true, "make-up Sunday for 元旦"},
		{"2026-05-05", false, "劳动节, Tuesday"},
		{"2026-05-09", true, "make-up Saturday for 劳动节"},
		{"2026-06-19", false, "端午节, Friday"},
		{"2026-11-27", true, "an ordinary Friday"},
		{"2026-11-28", false, "an ordinary Saturday"},
		// 2027 has no schedule: weekends only, nothing guessed.
		{"2027-01-01", true, "not covered: a Friday"},
		{"2027-01-02", false, "not covered: a Saturday"},
	}
	c := calendar.Default()
	for _, tc := range tests {
		t.Run(tc.date, func(t *testing.T) {
			if got := c.IsWorkingDay(d(tc.date)); got != tc.want {
				t.Errorf("%s (%s): working %v, want %v", tc.date, tc.why, got, tc.want)
			}
		})
	}
}

// TestAddWorkingDays checks due dates (submission plus 15 working days,
// the submission day not counted) across the holiday weeks and the year
// boundaries; each want was counted by hand on the notices.
func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name, from string
		n          int
		want       string
		uncovered  []int
	}{
		{"before 2025 Spring Festival", "2025-01-20", 15, "2025-02-14", nil},
		{"on the make-up Sunday", "2025-01-26", 15, "2025-02-21", nil},
		{"on 正月初一", "2025-01-29", 15, "2025-02-24", nil},
		{"before 2025 National Day", "2025-09-26", 15, "2025-10-23", nil},
		{"on a Saturday in the holiday", "2025-10-04", 15, "2025-10-28", nil},
		{"before 2026 Spring Festival", "2026-02-10", 15, "2026-03-09", nil},
		{"on the make-up Saturday", "2026-02-14", 15, "2026-03-13", nil},
		{"before 2026 Mid-Autumn and National Day", "2026-09-18", 15, "2026-10-15", nil},
		{"across 2025 into 2026's 元旦", "2025-12-22", 15, "2026-01-13", nil},
		{"on 2025-12-31", "2025-12-31", 1, "2026-01-04", nil},
		{"across 2026 into uncovered 2027", "2026-12-21", 15, "2027-01-11", []int{2027}},
		{"from uncovered 2024", "2024-12-30", 3, "2025-01-03", []int{2024}},
		{"zero days is the day itself", "2026-02-16", 0, "2026-02-16", nil},
		{"one day from Friday before a holiday", "2026-02-13", 1, "2026-02-14", nil},
		{"three before a due day after the holiday", "2026-02-24", -3, "2026-02-12", nil},
		{"fifteen back", "2025-02-14", -15, "2025-01-20", nil},
		{"one back from a holiday", "2025-10-05", -1, "2025-09-30", nil},
	}
	c := calendar.Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := d(tc.from)
			got := c.AddWorkingDays(from, tc.n)
			if got != d(tc.want) {
				t.Fatalf("%s + %d working days = %s, want %s", tc.from, tc.n, got, tc.want)
			}
			if tc.n != 0 && !c.IsWorkingDay(got) {
				t.Errorf("%s is not a working day", got)
			}
			if back := c.WorkingDaysBetween(from, got); back != tc.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", from, got, back, tc.n)
			}
			if u := c.Uncovered(from, got); !slices.Equal(u, tc.uncovered) {
				t.Errorf("uncovered %v, want %v", u, tc.uncovered)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		{"same day", "2025-01-28", "2025-01-28", 0},
		{"over a weekend", "2026-11-27", "2026-11-30", 1},
		{"the whole 2026 Spring Festival", "2026-02-13", "2026-02-24", 2}, // the make-up 14th and the 24th
		{"inside the holiday", "2025-10-01", "2025-10-08", 0},
		{"backwards: the working days from b to before a", "2026-02-24", "2026-02-13", -2},
		{"backwards from a holiday", "2025-10-05", "2025-09-30", -1},
		{"a month of ageing", "2026-09-01", "2026-10-01", 21},
	}
	c := calendar.Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.WorkingDaysBetween(d(tc.a), d(tc.b)); got != tc.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestCountingAgreesWithStepping checks the counting shortcut against
// stepping day by day, from every day of 2024-12 to 2027-01 and 25
// working days either way.
func TestCountingAgreesWithStepping(t *testing.T) {
	c := calendar.Default()
	for from := d("2024-12-01"); from.Before(d("2027-02-01")); from = from.AddDays(1) {
		for n := -25; n <= 25; n++ {
			to := c.AddWorkingDays(from, n)
			if got := c.WorkingDaysBetween(from, to); got != n {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", from, to, got, n)
			}
		}
		step := 0
		for x := from; x.Before(from.AddDays(40)); {
			x = x.AddDays(1)
			if c.IsWorkingDay(x) {
				step++
			}
			if got := c.WorkingDaysBetween(from, x); got != step {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, stepping counts %d", from, x, got, step)
			}
		}
	}
}

func TestNewRefusesBadYears(t *testing.T) {
	tests := []struct {
		name string
		year calendar.Year
		want string
	}{
		{"no holidays", calendar.Year{Year: 2030}, "years.2030.holidays: required"},
		{"make-up on a weekday", calendar.Year{Year: 2030, Holidays: []calendar.Date{d("2030-01-01")},
			Workdays: []calendar.Date{d("2030-01-02")}}, "years.2030.workdays: 2030-01-02 is a Wednesday"},
		{"both", calendar.Year{Year: 2030, Holidays: []calendar.Date{d("2030-01-05")},
			Workdays: []calendar.Date{d("2030-01-05")}}, "2030-01-05 is both a holiday and a make-up working day"},
		{"twice", calendar.Year{Year: 2030, Holidays: []calendar.Date{d("2030-01-01"), d("2030-01-01")}}, "listed twice"},
		{"other year", calendar.Year{Year: 2030, Holidays: []calendar.Date{d("2030-01-01"), d("2031-02-01")}},
			"2031-02-01 is not in 2030"},
		{"no year", calendar.Year{Year: 30, Holidays: []calendar.Date{d("2030-01-01")}}, "years.30: not a year"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := calendar.New(tc.year)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := calendar.New(calendar.Year{Year: 2019, Holidays: []calendar.Date{d("2018-12-30"), d("2019-01-01")},
		Workdays: []calendar.Date{d("2018-12-29")}}); err != nil {
		t.Errorf("2019's notice reached into 2018: %v", err)
	}
}
