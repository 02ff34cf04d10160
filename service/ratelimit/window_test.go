package ratelimit_test

import (
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/ratelimit"
)

func TestWindows(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name       string
		window     ratelimit.Window
		now        time.Time
		start, end time.Time
	}{
		{"minute", ratelimit.Fixed(time.Minute), utc("2025-03-01T09:00:59.999Z"),
			utc("2025-03-01T09:00:00Z"), utc("2025-03-01T09:01:00Z")},
		{"minute at its start", ratelimit.Fixed(time.Minute), utc("2025-03-01T09:01:00Z"),
			utc("2025-03-01T09:01:00Z"), utc("2025-03-01T09:02:00Z")},
		{"hour, zone of now ignored", ratelimit.Fixed(time.Hour), utc("2025-03-01T09:30:00Z").In(shanghai),
			utc("2025-03-01T09:00:00Z"), utc("2025-03-01T10:00:00Z")},
		{"before 1970", ratelimit.Fixed(time.Minute), utc("1969-12-31T23:59:30Z"),
			utc("1969-12-31T23:59:00Z"), utc("1970-01-01T00:00:00Z")},
		{"Shanghai day, late", ratelimit.Daily(shanghai), utc("2025-03-01T15:59:59Z"),
			utc("2025-02-28T16:00:00Z"), utc("2025-03-01T16:00:00Z")},
		{"Shanghai day, midnight", ratelimit.Daily(shanghai), utc("2025-03-01T16:00:00Z"),
			utc("2025-03-01T16:00:00Z"), utc("2025-03-02T16:00:00Z")},
		{"nil location is UTC", ratelimit.Daily(nil), utc("2025-03-01T16:00:00Z"),
			utc("2025-03-01T00:00:00Z"), utc("2025-03-02T00:00:00Z")},
		{"23-hour day", ratelimit.Daily(newYork), utc("2025-03-09T12:00:00Z"),
			utc("2025-03-09T05:00:00Z"), utc("2025-03-10T04:00:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := tt.window(tt.now)
			if !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Errorf("got [%s, %s), want [%s, %s)", start.UTC(), end.UTC(), tt.start, tt.end)
			}
		})
	}
}
