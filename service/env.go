package service

import (
	"log/slog"
	"time"
)

// Env is what cmd gives every service besides its collaborators: the
// clock, the business time zone and the logger. Its zero value is
// time.Now, UTC and slog.Default().
type Env struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the business time zone (dates, months, "one a day");
	// nil means UTC.
	Location *time.Location
	// Log is the logger; nil means slog.Default().
	Log *slog.Logger
}

// WithDefaults returns e with every unset part filled in.
func (e Env) WithDefaults() Env {
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Location == nil {
		e.Location = time.UTC
	}
	if e.Log == nil {
		e.Log = slog.Default()
	}
	return e
}
