package ratelimit

import "time"

// Window maps an instant to the bounds [start, end) of the window that
// holds it. Every node must map an instant to the same bounds, so a Window
// depends on nothing but its argument and its own settings.
type Window func(now time.Time) (start, end time.Time)

// Fixed returns windows of length d aligned to the Unix epoch: with d a
// minute, windows start on the minute. A d <= 0 gives empty windows, which
// AllowIn refuses.
func Fixed(d time.Duration) Window {
	return func(now time.Time) (time.Time, time.Time) {
		if d <= 0 {
			return now, now
		}
		n := now.UnixNano()
		off := n % int64(d)
		if off < 0 {
			off += int64(d)
		}
		start := time.Unix(0, n-off)
		return start, start.Add(d)
	}
}

// Daily returns calendar days in loc, midnight to midnight, so "5 a day"
// means per business day where the users are (Asia/Shanghai), not per UTC
// day. Days are as long as loc says (23 or 25 hours where clocks shift). A
// nil loc means UTC.
func Daily(loc *time.Location) Window {
	if loc == nil {
		loc = time.UTC
	}
	return func(now time.Time) (time.Time, time.Time) {
		y, m, d := now.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
}
