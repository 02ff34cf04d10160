package calendar

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Layout is how a Date is written everywhere: API.md §1's YYYY-MM-DD.
const Layout = time.DateOnly

// epochUnix is day 0 of a Date in Unix seconds: 0001-01-01, the zero
// time.Time's date, a Monday.
const epochUnix = -62135596800

// secondsPerDay: civil dates have no leap seconds or zone changes.
const secondsPerDay = 24 * 60 * 60

// Date is a civil date (year, month, day) with no time and no zone: a
// submission date, a due date, a holiday. Dates compare with == and <
// through Compare, Before and After, and can be map keys. The zero Date is
// 0001-01-01, which IsZero reports, as time.Time does.
type Date struct {
	days int32 // since 0001-01-01
}

// NewDate returns the date y-m-d, normalised as time.Date normalises
// (2025-02-30 is 2025-03-02).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location: pass
// t.In(businessZone) for a business date (API.md §1).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{days: int32((u.Unix() - epochUnix) / secondsPerDay)}
}

// ParseDate reads YYYY-MM-DD, refusing anything else, dates that do not
// exist (2025-02-29) included.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants; it panics on a bad date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// utc returns the date at midnight UTC, for formatting and taking apart.
func (d Date) utc() time.Time {
	return time.Unix(epochUnix+int64(d.days)*secondsPerDay, 0).UTC()
}

// Date returns the year, month and day.
func (d Date) Date() (year int, month time.Month, day int) { return d.utc().Date() }

// Year returns the year.
func (d Date) Year() int { return d.utc().Year() }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return time.Weekday((d.days + 1) % 7) }

// IsZero reports whether d is the zero Date, 0001-01-01.
func (d Date) IsZero() bool { return d.days == 0 }

// AddDays returns the date n calendar days after d (before it for n < 0).
func (d Date) AddDays(n int) Date { return Date{days: d.days + int32(n)} }

// Sub returns the number of calendar days from e to d.
func (d Date) Sub(e Date) int { return int(d.days - e.days) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.days < e.days:
		return -1
	case d.days > e.days:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.days < e.days }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.days > e.days }

// In returns the start of d (midnight) in loc.
func (d Date) In(loc *time.Location) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// String returns YYYY-MM-DD.
func (d Date) String() string { return d.utc().Format(Layout) }

// MarshalText writes YYYY-MM-DD; JSON and YAML use it.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; JSON and YAML use it.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores d as YYYY-MM-DD (a DATE column on MySQL, text on SQLite);
// the zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column: text YYYY-MM-DD, or the time.Time that MySQL's
// driver returns with parseTime (its civil date is taken as it stands, in
// whatever zone the driver put it). NULL is the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case []byte:
		return d.scanText(string(v))
	case string:
		return d.scanText(v)
	}
	return fmt.Errorf("calendar.Date: cannot scan %T", src)
}

// scanText accepts YYYY-MM-DD, also followed by a time, as SQLite may
// hand back a DATE column written as a time.
func (d *Date) scanText(s string) error {
	if len(s) > len(Layout) && (s[len(Layout)] == ' ' || s[len(Layout)] == 'T') {
		s = s[:len(Layout)]
	}
	return d.UnmarshalText([]byte(s))
}
