package node

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/calendar"
)

func TestLogCalendarWarnsOfUncoveredYears(t *testing.T) {
	tests := []struct {
		today string
		warn  []int // the years the warning names; nil: no warning
	}{
		{"2025-06-01", nil},
		{"2026-01-01", []int{2027}},
		{"2026-12-02", []int{2027}},
		{"2028-03-01", []int{2028, 2029}},
	}
	for _, tc := range tests {
		t.Run(tc.today, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&buf, nil))
			logCalendar(log, calendar.Default(), calendar.MustParseDate(tc.today))
			var warned []int
			dec := json.NewDecoder(&buf)
			for dec.More() {
				var line struct {
					Level string `json:"level"`
					Years []int  `json:"years"`
				}
				if err := dec.Decode(&line); err != nil {
					t.Fatal(err)
				}
				if line.Level == "WARN" {
					warned = line.Years
				}
			}
			if !slices.Equal(warned, tc.warn) {
				t.Errorf("warned of %v, want %v", warned, tc.warn)
			}
		})
	}
}

// TestOpenTakesTheHolidaysFile: the node's calendar is the built-in one
// extended by UNIONHUB_HOLIDAYS_FILE.
func TestOpenTakesTheHolidaysFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "holidays.yaml")
	// A made-up 2027 schedule, not the published one.
	body := "years:\n  2027:\n    holidays: [2027-01-01]\n    workdays: [2027-02-20]\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.HolidaysFile = file
	n, err := Open(context.Background(), cfg, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if got := n.Calendar.Years(); !slices.Equal(got, []int{2025, 2026, 2027}) {
		t.Fatalf("years %v", got)
	}
	if n.Calendar.IsWorkingDay(calendar.MustParseDate("2027-01-01")) || !n.Calendar.IsWorkingDay(calendar.MustParseDate("2027-02-20")) {
		t.Error("the file's 2027 is not in the node's calendar")
	}
}
