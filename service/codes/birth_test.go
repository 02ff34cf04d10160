package codes_test

import (
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

func TestAge(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 2026-11-27 17:00 UTC is already the 28th in Shanghai.
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		name, birth string
		today       time.Time
		want        int
		ok          bool
	}{
		{"birthday today in Shanghai", "1986-11-28", now.In(shanghai), 40, true},
		{"the same instant on the UTC date", "1986-11-28", now, 39, true},
		{"day before the birthday", "1986-11-29", now.In(shanghai), 39, true},
		{"born today", "2026-11-28", now.In(shanghai), 0, true},
		{"29 February, on 28 February", "2000-02-29", time.Date(2027, 2, 28, 12, 0, 0, 0, shanghai), 26, true},
		{"29 February, on 1 March", "2000-02-29", time.Date(2027, 3, 1, 0, 0, 0, 0, shanghai), 27, true},
		{"29 February, in a leap year", "2000-02-29", time.Date(2028, 2, 29, 0, 0, 0, 0, shanghai), 28, true},
		{"future", "2026-11-29", now.In(shanghai), 0, false},
		{"not a date", "1986-02-30", now, 0, false},
		{"compact form", "19861128", now, 0, false},
		{"empty", "", now, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := codes.Age(tt.birth, tt.today)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Age(%q, %v) = %d, %v; want %d, %v", tt.birth, tt.today, got, ok, tt.want, tt.ok)
			}
		})
	}
}
