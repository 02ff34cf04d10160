package audit_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/audit"
)

// clock is a settable test clock that steps a little on every read, so
// rows get distinct times with sub-microsecond parts to truncate.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 123456789, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(1001 * time.Nanosecond)
	return c.now
}

// appendN records n entries numbered from 1.
func appendN(t *testing.T, s *audit.Service, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		ctx := audit.WithRequestID(context.Background(), fmt.Sprintf("req-%d", i))
		e := audit.Entry{ActorID: int64(100 + i), OrgID: int64(i % 3), Action: "test.append",
			Target: fmt.Sprintf("thing:%d", i), Detail: map[string]any{"n": i, "name": "张*"}}
		if err := s.Record(ctx, e); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// rows reads the whole chain in seq order.
func rows(t *testing.T, db *gorm.DB) []model.AuditLog {
	t.Helper()
	var out []model.AuditLog
	if err := db.Order("seq").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// exec runs one tampering statement.
func exec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// reset empties the log, as a fresh migration leaves it.
func reset(t *testing.T, db *gorm.DB) {
	t.Helper()
	exec(t, db, "DELETE FROM audit_logs")
	exec(t, db, "UPDATE audit_head SET seq = 0, hash = ?", model.AuditGenesis)
}

// lines collects log output and signals each line written.
type lines struct {
	mu   sync.Mutex
	buf  []byte
	once sync.Once
	c    chan struct{}
}

func (l *lines) init() { l.once.Do(func() { l.c = make(chan struct{}, 1024) }) }

func (l *lines) Write(p []byte) (int, error) {
	l.init()
	l.mu.Lock()
	l.buf = append(l.buf, p...)
	l.mu.Unlock()
	select {
	case l.c <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

func (l *lines) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

// waitFor waits until n lines were written.
func (l *lines) waitFor(t *testing.T, n int) {
	t.Helper()
	l.init()
	timeout := time.After(10 * time.Second)
	for i := 0; i < n; i++ {
		select {
		case <-l.c:
		case <-timeout:
			t.Fatalf("waited for %d log lines, got %d:\n%s", n, i, l.String())
		}
	}
}
