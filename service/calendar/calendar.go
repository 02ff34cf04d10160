// Package calendar is the working-day calendar (API.md §11) that every
// deadline, ageing and "working days" figure uses: review deadlines,
// rights requests (§10) and reports. Weekends and public holidays are off,
// make-up working days (调休上班, a Saturday or Sunday) are on.
//
// The schedules of 2025 and 2026 are built in from the State Council's
// notices (builtin.go lists the sources); UNIONHUB_HOLIDAYS_FILE adds
// years and replaces built-in ones (Load). A year with no schedule counts
// weekends only: answers for it are an estimate, which Covers and
// Uncovered report so that callers can log it, rather than an error that
// would stop a submission on the first day of an unpublished year.
//
// Dates are civil dates (Date): take today's with DateOf(now.In(zone)).
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Year is one year's schedule as a State Council notice publishes it.
type Year struct {
	Year int
	// Source names the notice, for the log and for whoever checks it.
	Source string
	// Holidays are the days off of the notice's spans (放假), weekend days
	// within them included. A notice may reach into the neighbouring
	// year's last or first month.
	Holidays []Date
	// Workdays are the make-up working days (调休上班), each a Saturday or
	// a Sunday.
	Workdays []Date
}

// Calendar answers working-day questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	sources map[int]string // covered year → its notice
	off     []Date         // holidays falling on Monday to Friday, sorted
	on      []Date         // make-up working days, sorted
}

// Default returns the calendar of the built-in years.
func Default() *Calendar {
	c, err := New(builtin()...)
	if err != nil {
		panic("calendar: built-in table: " + err.Error()) // a test keeps it valid
	}
	return c
}

// New returns the calendar of the given years, after checking them: each
// year once, dates within the year (or the neighbouring month across the
// new year), each make-up day a Saturday or Sunday, no date twice, no date
// both a holiday and a working day. Errors name the year, list and date.
func New(years ...Year) (*Calendar, error) {
	c := &Calendar{sources: make(map[int]string, len(years))}
	var errs []error
	bad := func(y int, list string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("years.%d.%s: %s", y, list, fmt.Sprintf(format, args...)))
	}
	kind := map[Date]string{} // date → "holidays" or "workdays", across years
	for _, y := range years {
		if _, dup := c.sources[y.Year]; dup {
			errs = append(errs, fmt.Errorf("years.%d: given twice", y.Year))
			continue
		}
		if y.Year < 2000 || y.Year > 2099 {
			errs = append(errs, fmt.Errorf("years.%d: not a year between 2000 and 2099", y.Year))
			continue
		}
		c.sources[y.Year] = y.Source
		if len(y.Holidays) == 0 {
			bad(y.Year, "holidays", "required (every year has 元旦 at least)")
		}
		for _, list := range []struct {
			name  string
			dates []Date
		}{{"holidays", y.Holidays}, {"workdays", y.Workdays}} {
			for _, d := range list.dates {
				if !nearYear(d, y.Year) {
					bad(y.Year, list.name, "%s is not in %d (nor in the last or first month around it)", d, y.Year)
					continue
				}
				if prev, seen := kind[d]; seen {
					if prev == list.name {
						bad(y.Year, list.name, "%s is listed twice", d)
					} else {
						bad(y.Year, list.name, "%s is both a holiday and a make-up working day", d)
					}
					continue
				}
				kind[d] = list.name
				switch {
				case list.name == "workdays" && !weekend(d):
					bad(y.Year, list.name, "%s is a %s: a make-up working day is a Saturday or Sunday", d, d.Weekday())
				case list.name == "workdays":
					c.on = append(c.on, d)
				case !weekend(d):
					c.off = append(c.off, d)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(c.off, Date.Compare)
	slices.SortFunc(c.on, Date.Compare)
	return c, nil
}

// nearYear reports whether d is in year y, in December of y-1 or in
// January of y+1 (2019's notice had 2018-12-29 as a working day).
func nearYear(d Date, y int) bool {
	dy, dm, _ := d.Date()
	return dy == y || (dy == y-1 && dm == time.December) || (dy == y+1 && dm == time.January)
}

func weekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkingDay reports whether d is a working day: a make-up working day,
// or a Monday to Friday that is not a holiday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if weekend(d) {
		return contains(c.on, d)
	}
	return !contains(c.off, d)
}

// AddWorkingDays returns the n-th working day after d, d itself not
// counted whatever day it is: the due date of something received on d
// and answered "within n working days". AddWorkingDays(d, 0) is d. For
// n < 0 it returns the |n|-th working day before d (a reminder 3 working
// days before a due date). Its cost grows with |n|.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after a up to and including
// b: the age on day b, in working days, of something received on a (0 on
// the day itself). For b before a it is minus the working days from b up
// to but not including a. Either way WorkingDaysBetween(a,
// AddWorkingDays(a, n)) is n.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	if b.Before(a) {
		// working days in [b, a) = those in (b-1, a-1]
		return -c.WorkingDaysBetween(b.AddDays(-1), a.AddDays(-1))
	}
	n := weekdaysBefore(b.days+1) - weekdaysBefore(a.days+1)
	return n - countIn(c.off, a, b) + countIn(c.on, a, b)
}

// weekdaysBefore counts the Mondays to Fridays among the days [0, x) of
// the Date epoch, whose day 0 is a Monday.
func weekdaysBefore(x int32) int {
	return int(x/7)*5 + int(min(x%7, 5))
}

// countIn counts the dates of sorted in (a, b].
func countIn(sorted []Date, a, b Date) int {
	i, _ := slices.BinarySearchFunc(sorted, a.AddDays(1), Date.Compare)
	j, _ := slices.BinarySearchFunc(sorted, b.AddDays(1), Date.Compare)
	return j - i
}

func contains(sorted []Date, d Date) bool {
	_, found := slices.BinarySearchFunc(sorted, d, Date.Compare)
	return found
}

// Covers reports whether the calendar has the year's schedule; without
// it, the year counts weekends only.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.sources[year]
	return ok
}

// Uncovered returns the years from a's to b's (in either order) that the
// calendar has no schedule for, in order: an answer about that span is an
// estimate, which the caller should log.
func (c *Calendar) Uncovered(a, b Date) []int {
	ya, yb := a.Year(), b.Year()
	if yb < ya {
		ya, yb = yb, ya
	}
	var out []int
	for y := ya; y <= yb; y++ {
		if !c.Covers(y) {
			out = append(out, y)
		}
	}
	return out
}

// Years returns the covered years, in order.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.sources))
	for y := range c.sources {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// Source names the notice a covered year's schedule comes from.
func (c *Calendar) Source(year int) string { return c.sources[year] }
