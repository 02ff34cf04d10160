package main

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/pii"
)

// cardFlushTimeout bounds the last write of the verification log on
// shutdown.
const cardFlushTimeout = 10 * time.Second

// startCards builds the card service and runs its verification-log writer
// until ctx ends. stop waits for the writer, then writes what is still
// queued: call it after the HTTP servers stopped and before the database
// closes.
func startCards(ctx context.Context, cfg config.Config, keys card.Keys, cipher *pii.Cipher, db *gorm.DB, c cache.Cache,
	photos card.PhotoOpener, aud *audit.Service, log *slog.Logger) (cards *card.Service, stop func(), err error) {
	cards, err = card.New(card.Deps{DB: db, Cache: c, Keys: keys, PII: cipher, Photos: photos, Audit: audit.ForOrg(aud),
		Location: cfg.Location(), Log: log}, card.Config{})
	if err != nil {
		return nil, nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); cards.Run(runCtx) }()
	return cards, func() {
		cancel()
		<-done
		fctx, cancelFlush := context.WithTimeout(context.WithoutCancel(ctx), cardFlushTimeout)
		defer cancelFlush()
		if err := cards.Close(fctx); err != nil {
			log.Error("verification records lost on shutdown", "err", err)
		}
		if n := cards.Dropped(); n > 0 {
			log.Warn("verification records were dropped while running", "dropped", n)
		}
	}, nil
}
