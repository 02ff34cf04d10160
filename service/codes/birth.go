package codes

import (
	"strconv"
	"time"
)

// minBirthYear bounds birth dates from below: nobody born earlier is alive.
const minBirthYear = 1900

// birthDate parses YYYYMMDD as a real calendar date between 1900-01-01 and
// today's date, and returns it at midnight UTC.
func birthDate(yyyymmdd string, today time.Time) (time.Time, bool) {
	y, err1 := strconv.Atoi(yyyymmdd[:4])
	m, err2 := strconv.Atoi(yyyymmdd[4:6])
	d, err3 := strconv.Atoi(yyyymmdd[6:8])
	if err1 != nil || err2 != nil || err3 != nil || y < minBirthYear {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false // 20230229, 19991301 …: normalised into another day
	}
	ty, tm, td := today.Date()
	if dateKey(y, m, d) > dateKey(ty, int(tm), td) {
		return time.Time{}, false
	}
	return t, true
}

// age returns the completed years from birth to today's date. A birthday
// that this year lacks (29 February) is reached on 1 March.
func age(birth, today time.Time) int {
	by, bm, bd := birth.Date()
	ty, tm, td := today.Date()
	years := ty - by
	if dateKey(0, int(tm), td) < dateKey(0, int(bm), bd) {
		years--
	}
	return years
}

func dateKey(y, m, d int) int { return y*10000 + m*100 + d }

// Age returns the completed years from birth (a stored birth date,
// YYYY-MM-DD) to the civil date of today, which the caller gives in the
// business time zone. It is what lists of people show instead of the birth
// date, which with a masked ID number would give the number back (API.md
// §1). ok is false for a malformed or future date.
func Age(birth string, today time.Time) (years int, ok bool) {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0, false
	}
	ty, tm, td := today.Date()
	if dateKey(b.Year(), int(b.Month()), b.Day()) > dateKey(ty, int(tm), td) {
		return 0, false
	}
	return age(b, today), true
}
