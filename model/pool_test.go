package model

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestPoolKeepsABurstsConnections: connections a burst opened stay in the
// pool for the next one (database/sql alone keeps 2 and closes the rest),
// unless a smaller idle pool is asked for.
func TestPoolKeepsABurstsConnections(t *testing.T) {
	const burst = 12
	tests := []struct {
		name       string
		idle       int
		wantClosed int64
	}{
		{"default: as many as open", 0, 0},
		{"told to keep 4", 4, burst - 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, Options{Driver: DialectSQLite, DSN: filepath.Join(t.TempDir(), "pool.db"),
				MaxOpenConns: 20, MaxIdleConns: tt.idle})
			if err != nil {
				t.Fatal(err)
			}
			sqlDB, err := db.DB()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sqlDB.Close() })
			// Each caller holds a connection of its own until all have
			// one; then all go back to the pool at once.
			for round := range 2 {
				var conns []*sql.Conn
				for range burst {
					c, err := sqlDB.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if err := c.PingContext(ctx); err != nil {
						t.Fatal(err)
					}
					conns = append(conns, c)
				}
				for _, c := range conns {
					if err := c.Close(); err != nil {
						t.Fatal(err)
					}
				}
				st := sqlDB.Stats()
				if st.MaxIdleClosed != tt.wantClosed*int64(round+1) {
					t.Fatalf("round %d: %d connections closed as surplus idle, want %d", round+1, st.MaxIdleClosed,
						tt.wantClosed*int64(round+1))
				}
			}
		})
	}
}
