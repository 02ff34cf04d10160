package audit

import (
	"context"
	"log/slog"
	"time"
)

// LogHeadDaily logs the chain head now and once a day until ctx ends, with
// its MAC under the audit key (the line is what ParseSavedHead reads). The
// log lines live outside the database, so a table rewritten from some row
// on, or cut back, no longer contains a head logged before (Check).
func (s *Service) LogHeadDaily(ctx context.Context, log *slog.Logger) {
	s.LogHeadEvery(ctx, log, 24*time.Hour)
}

// LogHeadEvery is LogHeadDaily with another interval (tests); a nil log
// means the service's.
func (s *Service) LogHeadEvery(ctx context.Context, log *slog.Logger, every time.Duration) {
	if log == nil {
		log = s.log
	}
	if every <= 0 {
		every = 24 * time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.logHead(ctx, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) logHead(ctx context.Context, log *slog.Logger) {
	h, err := s.SignedHead(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "audit head unreadable", "err", err.Error())
		}
		return
	}
	log.InfoContext(ctx, "audit head", "seq", h.Seq, "hash", h.Hash, "mac", h.MAC)
}
