package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/audit"
)

func TestEmptyChain(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		seq, hash, err := s.Head(context.Background())
		if err != nil || seq != 0 || hash != model.AuditGenesis {
			t.Fatalf("head of an empty log: %d %q %v", seq, hash, err)
		}
		n, b, err := s.Verify(context.Background())
		if err != nil || b != nil || n != 0 {
			t.Fatalf("verify of an empty log: %d %v %v", n, b, err)
		}
	})
}

func TestAppendChainsRows(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		s.SetBatch(3)
		appendN(t, s, 10)
		all := rows(t, db)
		if len(all) != 10 {
			t.Fatalf("%d rows, want 10", len(all))
		}
		prev := model.AuditGenesis
		for i, r := range all {
			if r.Seq != int64(i+1) || r.PrevHash != prev || len(r.Hash) != 64 || r.Hash != audit.RowHash(&r) {
				t.Fatalf("row %d: seq %d prev %s hash %s", i, r.Seq, r.PrevHash, r.Hash)
			}
			if r.CreatedAt.Nanosecond()%1000 != 0 {
				t.Errorf("row %d: created_at %v keeps more than microseconds", i, r.CreatedAt)
			}
			prev = r.Hash
		}
		first := all[0]
		if first.RequestID != "req-1" || *first.ActorID != 101 || *first.OrgID != 1 || first.Detail != `{"n":1,"name":"张*"}` {
			t.Errorf("first row: %+v", first)
		}
		if all[2].OrgID != nil {
			t.Errorf("org 0 stored as %v, want NULL", *all[2].OrgID)
		}
		seq, hash, err := s.Head(context.Background())
		if err != nil || seq != 10 || hash != all[9].Hash {
			t.Fatalf("head %d %s %v; want 10 %s", seq, hash, err, all[9].Hash)
		}
		n, b, err := s.Verify(context.Background())
		if err != nil || b != nil || n != 10 {
			t.Fatalf("verify: %d %v %v", n, b, err)
		}
	})
}

func TestRecordFields(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		ctx := context.Background()
		long := strings.Repeat("工", 200)
		if err := s.Record(ctx, audit.Entry{Action: "system.job", Target: long}); err != nil {
			t.Fatal(err)
		}
		if err := s.Record(ctx, audit.Entry{}); err == nil {
			t.Error("an entry without action was recorded")
		}
		if err := s.Record(audit.WithRequestID(ctx, "r-org"), audit.Entry{ActorID: 7, OrgID: 9,
			Action: "role.revoke", Target: "role:1", Detail: map[string]any{"role": "verifier"}}); err != nil {
			t.Fatal(err)
		}
		all := rows(t, db)
		if len(all) != 2 {
			t.Fatalf("%d rows, want 2", len(all))
		}
		sys := all[0]
		if sys.ActorID != nil || sys.OrgID != nil || sys.Detail != "{}" || sys.RequestID != "" || sys.Target != strings.Repeat("工", 128) {
			t.Errorf("system row: %+v", sys)
		}
		o := all[1]
		if *o.ActorID != 7 || *o.OrgID != 9 || o.Action != "role.revoke" || o.RequestID != "r-org" || o.Detail != `{"role":"verifier"}` {
			t.Errorf("org row: %+v", o)
		}
		if _, b, err := s.Verify(ctx); b != nil || err != nil {
			t.Fatalf("verify: %v %v", b, err)
		}
	})
}

// TestRecordJoinsTransaction: a row recorded in a transaction that rolls
// back is gone with it, and the head stays.
func TestRecordJoinsTransaction(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		ctx := context.Background()
		appendN(t, s, 2)
		boom := errors.New("boom")
		err := model.InTx(ctx, db, func(ctx context.Context) error {
			if err := s.Record(ctx, audit.Entry{Action: "x.rolled_back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		err = model.InTx(ctx, db, func(ctx context.Context) error {
			return s.Record(ctx, audit.Entry{Action: "x.committed"})
		})
		if err != nil {
			t.Fatal(err)
		}
		all := rows(t, db)
		if len(all) != 3 || all[2].Action != "x.committed" || all[2].Seq != 3 {
			t.Fatalf("rows after a rollback: %+v", all)
		}
		if n, b, err := s.Verify(ctx); n != 3 || b != nil || err != nil {
			t.Fatalf("verify: %d %v %v", n, b, err)
		}
	})
}

func TestLogHeadEvery(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		appendN(t, s, 3)
		seq, hash, _ := s.Head(context.Background())
		logs := &lines{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			s.LogHeadEvery(ctx, logs.logger(), time.Millisecond)
			close(done)
		}()
		logs.waitFor(t, 3)
		cancel()
		<-done
		want := `"seq":3,"hash":"` + hash + `"`
		if seq != 3 || !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	})
}
