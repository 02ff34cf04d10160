package model

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// gormLogger sends GORM's slow-query and error reports to slog. SQL text is
// logged without bound values, so no personal data reaches the log.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(l *slog.Logger) logger.Interface {
	if l == nil {
		l = slog.Default()
	}
	return &gormLogger{log: l, slow: 200 * time.Millisecond}
}

func (g *gormLogger) LogMode(logger.LogLevel) logger.Interface { return g }
func (g *gormLogger) Info(context.Context, string, ...any)     {}
func (g *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	g.log.WarnContext(ctx, "gorm", "msg", msg)
}
func (g *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	g.log.ErrorContext(ctx, "gorm", "msg", msg)
}

// ParamsFilter drops bound values from logged SQL.
func (g *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (g *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(Translate(err), ErrDuplicate):
		sql, _ := fc()
		g.log.ErrorContext(ctx, "query failed", "sql", sql, "elapsed_ms", elapsed.Milliseconds(), "err", err.Error())
	case elapsed > g.slow:
		sql, rows := fc()
		g.log.WarnContext(ctx, "slow query", "sql", sql, "rows", rows, "elapsed_ms", elapsed.Milliseconds())
	}
}
