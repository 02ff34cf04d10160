package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unionhub/unionhub/service/internal/strictfile"
)

// maxFileSize bounds the holidays file.
const maxFileSize = 1 << 20

// maxSpan bounds a from..to entry: no holiday is longer, so a longer span
// is a typing mistake (2027-10-01..2027-12-07).
const maxSpan = 31

// file is the holidays file:
//
//	years:
//	  2027:
//	    source: 国办发明电〔2026〕…号
//	    holidays: [2027-01-01, 2027-02-05..2027-02-13]
//	    workdays: [2027-02-20]
//
// Each entry is a date or an inclusive span from..to.
type file struct {
	Years map[string]fileYear `json:"years" yaml:"years"`
}

type fileYear struct {
	Source   string   `json:"source" yaml:"source"`
	Holidays []string `json:"holidays" yaml:"holidays"`
	Workdays []string `json:"workdays" yaml:"workdays"`
}

// Load returns the built-in calendar extended by the file at path (.json
// as JSON, anything else as YAML; unknown fields refused): a year in the
// file replaces that year's built-in schedule entirely, the other built-in
// years stay. An empty path is the built-in calendar. Errors name the
// file and the bad entry (years.2027.holidays[3]).
func Load(path string) (*Calendar, error) {
	if path == "" {
		return Default(), nil
	}
	var f file
	if err := strictfile.Decode(path, maxFileSize, &f); err != nil {
		return nil, err
	}
	years, err := f.parse()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := New(merge(builtin(), years)...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// parse turns the file's years into Years, reporting every bad entry.
func (f file) parse() ([]Year, error) {
	if len(f.Years) == 0 {
		return nil, errors.New("years: no year given")
	}
	keys := make([]string, 0, len(f.Years))
	for k := range f.Years {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	var out []Year
	for _, k := range keys {
		y, err := strconv.Atoi(k)
		if err != nil || len(k) != 4 {
			errs = append(errs, fmt.Errorf("years.%s: not a year (YYYY)", k))
			continue
		}
		fy := f.Years[k]
		holidays, err1 := entries(fmt.Sprintf("years.%d.holidays", y), fy.Holidays)
		workdays, err2 := entries(fmt.Sprintf("years.%d.workdays", y), fy.Workdays)
		errs = append(errs, err1, err2)
		out = append(out, Year{Year: y, Source: fy.Source, Holidays: holidays, Workdays: workdays})
	}
	return out, errors.Join(errs...)
}

// entries reads a list of dates and from..to spans.
func entries(name string, list []string) ([]Date, error) {
	var out []Date
	var errs []error
	for i, e := range list {
		from, to, isSpan := strings.Cut(strings.TrimSpace(e), "..")
		if !isSpan {
			to = from
		}
		a, err1 := ParseDate(strings.TrimSpace(from))
		b, err2 := ParseDate(strings.TrimSpace(to))
		switch {
		case err1 != nil || err2 != nil:
			errs = append(errs, fmt.Errorf("%s[%d]: %q: want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", name, i, e))
		case b.Before(a):
			errs = append(errs, fmt.Errorf("%s[%d]: %q: the span ends before it starts", name, i, e))
		case b.Sub(a) >= maxSpan:
			errs = append(errs, fmt.Errorf("%s[%d]: %q: a span is at most %d days", name, i, e, maxSpan))
		default:
			for d := a; !d.After(b); d = d.AddDays(1) {
				out = append(out, d)
			}
		}
	}
	return out, errors.Join(errs...)
}

// merge returns base with every year of over replacing base's year of the
// same number, and over's other years added.
func merge(base, over []Year) []Year {
	out := slices.DeleteFunc(base, func(b Year) bool {
		return slices.ContainsFunc(over, func(o Year) bool { return o.Year == b.Year })
	})
	return append(out, over...)
}
