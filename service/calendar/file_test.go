package calendar_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/calendar"
)

// The 2027 schedules below are made up for the tests: they are not the
// State Council's, which had not been published when this was written.
const yaml2027 = `years:
  2027:
    source: test schedule, not the published one
    holidays: [2027-01-01, 2027-02-05..2027-02-11]
    workdays: [2027-02-20]
`

const json2027 = `{"years":{"2027":{"source":"test","holidays":["2027-01-01","2027-02-05..2027-02-11"],"workdays":["2027-02-20"]}}}`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadExtends: a file's years are added to the built-in ones.
func TestLoadExtends(t *testing.T) {
	for _, tc := range []struct{ file, body string }{{"h.yaml", yaml2027}, {"h.yml", yaml2027}, {"h.json", json2027}} {
		t.Run(tc.file, func(t *testing.T) {
			c, err := calendar.Load(writeFile(t, tc.file, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Years(); !slices.Equal(got, []int{2025, 2026, 2027}) {
				t.Fatalf("years %v", got)
			}
			for date, want := range map[string]bool{
				"2027-01-01": false, "2027-02-05": false, "2027-02-08": false, "2027-02-11": false,
				"2027-02-12": true, "2027-02-20": true, "2027-02-21": false,
				"2026-02-16": false, "2026-02-14": true, // the built-in 2026 stays
			} {
				if got := c.IsWorkingDay(d(date)); got != want {
					t.Errorf("%s: working %v, want %v", date, got, want)
				}
			}
			if u := c.Uncovered(d("2026-12-21"), d("2027-01-11")); len(u) != 0 {
				t.Errorf("uncovered %v", u)
			}
			// 2026-12-21 + 15: 2027-01-01 is now off, so one day later than built in.
			if got := c.AddWorkingDays(d("2026-12-21"), 15); got != d("2027-01-12") {
				t.Errorf("due %s", got)
			}
		})
	}
}

// TestLoadReplaces: a year in the file replaces the built-in year whole.
func TestLoadReplaces(t *testing.T) {
	c, err := calendar.Load(writeFile(t, "h.yaml", `years:
  2026:
    source: an extraordinary change
    holidays: ["2026-10-01..2026-10-06"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Source(2026) != "an extraordinary change" || !c.Covers(2025) {
		t.Fatalf("sources %v", c.Years())
	}
	for date, want := range map[string]bool{
		"2026-10-06": false, "2026-10-07": true, // the file's span
		"2026-02-16": true, "2026-02-14": false, // the built-in Spring Festival is gone with the year
		"2025-01-28": false, // 2025 stays built in
	} {
		if got := c.IsWorkingDay(d(date)); got != want {
			t.Errorf("%s: working %v, want %v", date, got, want)
		}
	}
}

func TestLoadWithoutFile(t *testing.T) {
	c, err := calendar.Load("")
	if err != nil || !slices.Equal(c.Years(), calendar.Default().Years()) {
		t.Fatalf("%v, %v", c.Years(), err)
	}
}

// TestLoadRefusesBadFiles: each bad file is refused at start with an
// error naming the bad entry.
func TestLoadRefusesBadFiles(t *testing.T) {
	year := func(entries string) string { return "years:\n  2027:\n" + entries }
	tests := []struct {
		name, file, body string
		want             []string
	}{
		{"not a date", "h.yaml", year("    holidays: [2027-01-01, 2027-02-30]\n"),
			[]string{"years.2027.holidays[1]", "2027-02-30"}},
		{"not a year", "h.json", `{"years":{"20x7":{"holidays":["2027-01-01"]}}}`, []string{"years.20x7"}},
		{"span backwards", "h.yaml", year("    holidays: [2027-02-11..2027-02-05]\n"),
			[]string{"years.2027.holidays[0]", "ends before it starts"}},
		{"span too long", "h.yaml", year("    holidays: [2027-10-01..2027-12-07]\n"),
			[]string{"years.2027.holidays[0]", "at most 31 days"}},
		{"make-up on a weekday", "h.yaml", year("    holidays: [2027-01-01]\n    workdays: [2027-02-03]\n"),
			[]string{"years.2027.workdays", "2027-02-03 is a Wednesday"}},
		{"holiday and make-up", "h.yaml", year("    holidays: [2027-02-05..2027-02-11]\n    workdays: [2027-02-06]\n"),
			[]string{"years.2027.workdays", "2027-02-06 is both"}},
		{"date of another year", "h.yaml", year("    holidays: [2027-01-01, 2028-05-01]\n"),
			[]string{"years.2027.holidays", "2028-05-01 is not in 2027"}},
		{"no holidays", "h.yaml", year("    workdays: [2027-02-20]\n"), []string{"years.2027.holidays: required"}},
		{"conflict across years", "h.yaml",
			year("    holidays: [2027-01-01]\n    workdays: [2026-12-27]\n") + "  2026:\n    holidays: [2026-12-27]\n",
			[]string{"2026-12-27"}},
		{"unknown field", "h.yaml", year("    holidays: [2027-01-01]\n    workday: [2027-02-20]\n"), []string{"workday"}},
		{"unknown field in json", "h.json", `{"years":{"2027":{"holidays":["2027-01-01"],"make_up":[]}}}`, []string{"make_up"}},
		{"no years", "h.yaml", "years: {}\n", []string{"no year"}},
		{"not json", "h.json", "years: {}", []string{"invalid"}},
		{"too large", "h.yaml", "# " + strings.Repeat("x", 1<<20) + "\n", []string{"larger than"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.file, tc.body)
			_, err := calendar.Load(path)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range append(tc.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q: %v", w, err)
				}
			}
		})
	}
	if _, err := calendar.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}
