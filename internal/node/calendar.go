package node

import (
	"log/slog"

	"github.com/unionhub/unionhub/service/calendar"
)

// logCalendar logs at start which years the working-day calendar covers,
// and warns when this year or the next has no holiday schedule: deadlines
// reaching into it count weekends only until UNIONHUB_HOLIDAYS_FILE gives
// the year (the State Council publishes a year's schedule around the
// November before).
func logCalendar(log *slog.Logger, cal *calendar.Calendar, today calendar.Date) {
	log.Info("working-day calendar", "years", cal.Years())
	next := calendar.NewDate(today.Year()+1, 12, 31)
	if years := cal.Uncovered(today, next); len(years) > 0 {
		log.Warn("no holiday schedule for these years: deadlines in them count weekends only; give them in UNIONHUB_HOLIDAYS_FILE",
			"years", years)
	}
}
