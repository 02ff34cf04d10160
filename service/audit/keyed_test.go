package audit_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/audit"
)

// plainHash is what an attacker who can write the database but holds no
// key can compute: the published encoding of a row under plain SHA-256.
func plainHash(r *model.AuditLog) string {
	h := sha256.New()
	var actor, org int64
	if r.ActorID != nil {
		actor = *r.ActorID
	}
	if r.OrgID != nil {
		org = *r.OrgID
	}
	for _, f := range []string{"unionhub-audit-v1", r.PrevHash, strconv.FormatInt(r.Seq, 10),
		strconv.FormatInt(actor, 10), strconv.FormatInt(org, 10), r.Action, r.Target, r.RequestID, r.Detail,
		r.CreatedAt.UTC().Format(time.RFC3339Nano)} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rechain rewrites the chain from seq from on with plain SHA-256, as a
// database-only attacker would after editing a row, and moves the head.
func rechain(t *testing.T, db *gorm.DB, from int64) {
	t.Helper()
	all := rows(t, db)
	prev := model.AuditGenesis
	for i := range all {
		r := &all[i]
		if r.Seq >= from {
			r.PrevHash = prev
			r.Hash = plainHash(r)
			exec(t, db, `UPDATE audit_logs SET prev_hash = ?, hash = ? WHERE seq = ?`, r.PrevHash, r.Hash, r.Seq)
		}
		prev = r.Hash
	}
	exec(t, db, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, all[len(all)-1].Seq, prev)
}

// TestVerifyRejectsPlainRechain: a row edited and the chain recomputed
// with plain SHA-256 (all a database-only attacker can do) fails Verify.
func TestVerifyRejectsPlainRechain(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *gorm.DB)
		seq    int64
		reason string
	}{
		{"row edited, rest rehashed", func(t *testing.T, db *gorm.DB) {
			exec(t, db, `UPDATE audit_logs SET detail = '{"n":3,"name":"李*"}' WHERE seq = 3`)
			rechain(t, db, 3)
		}, 3, "changed"},
		{"last row edited and rehashed", func(t *testing.T, db *gorm.DB) {
			exec(t, db, `UPDATE audit_logs SET actor_id = 1 WHERE seq = 8`)
			rechain(t, db, 8)
		}, 8, "changed"},
		{"row deleted, rest renumbered and rehashed", func(t *testing.T, db *gorm.DB) {
			exec(t, db, `DELETE FROM audit_logs WHERE seq = 5`)
			for s := 6; s <= 8; s++ {
				exec(t, db, `UPDATE audit_logs SET seq = ? WHERE seq = ?`, s-1, s)
			}
			rechain(t, db, 5)
		}, 5, "changed"},
		{"rows from 3 on downgraded to plain and rehashed", func(t *testing.T, db *gorm.DB) {
			exec(t, db, `UPDATE audit_logs SET hash_version = 1, detail = '{}' WHERE seq >= 3`)
			rechain(t, db, 3)
		}, 3, "unkeyed row after keyed"},
		{"unknown hash version", func(t *testing.T, db *gorm.DB) {
			exec(t, db, `UPDATE audit_logs SET hash_version = 3 WHERE seq = 4`)
		}, 4, "unknown hash version"},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		s.SetBatch(3)
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				reset(t, db)
				appendN(t, s, 8)
				tc.tamper(t, db)
				_, b, err := s.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if b == nil {
					t.Fatal("verify passed a chain recomputed with plain SHA-256")
				}
				if b.Seq != tc.seq || !strings.Contains(b.Reason, tc.reason) {
					t.Errorf("break %s; want seq %d: …%s…", b, tc.seq, tc.reason)
				}
			})
		}
	})
}

// TestVerifyWithAnotherKey: a chain checked under another key is broken
// at its first keyed row.
func TestVerifyWithAnotherKey(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		appendN(t, audit.New(db, audit.TestKey, newClock().Now, nil), 3)
		other := audit.New(db, []byte(strings.Repeat("x", 32)), nil, nil)
		if _, b, err := other.Verify(context.Background()); err != nil || b == nil || b.Seq != 1 {
			t.Fatalf("verify under another key: %v %v", b, err)
		}
		short := audit.New(db, []byte("short"), nil, nil)
		if _, _, err := short.Verify(context.Background()); err == nil {
			t.Error("verify without a key passed")
		}
		if err := short.Record(context.Background(), audit.Entry{Action: "x.y"}); err == nil {
			t.Error("record without a key passed")
		}
	})
}

// TestLegacyRows: rows written before migration 12 keep their plain hash;
// Verify counts them, and the first keyed row pins them.
func TestLegacyRows(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		ctx := context.Background()
		appendN(t, s, 6)
		// Rows 1-3 as a build before the audit key wrote them.
		exec(t, db, `UPDATE audit_logs SET hash_version = 1 WHERE seq <= 3`)
		rechain(t, db, 1)
		all := rows(t, db)
		prev := all[2].Hash
		for i := 3; i < 6; i++ {
			r := all[i]
			r.PrevHash = prev
			r.Hash = audit.RowHash(&r)
			exec(t, db, `UPDATE audit_logs SET prev_hash = ?, hash = ? WHERE seq = ?`, r.PrevHash, r.Hash, r.Seq)
			prev = r.Hash
		}
		exec(t, db, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
		rep, b, err := s.Check(ctx, nil)
		if err != nil || b != nil || rep.Checked != 6 || rep.Unkeyed != 3 {
			t.Fatalf("legacy chain: %+v %v %v; want 6 checked, 3 unkeyed", rep, b, err)
		}
		appendN(t, s, 1)
		if rep, b, _ := s.Check(ctx, nil); b != nil || rep.Checked != 7 || rep.Unkeyed != 3 {
			t.Fatalf("after an append: %+v %v", rep, b)
		}
		// An attacker edits a legacy row and rehashes the plain part: the
		// first keyed row's link no longer matches.
		exec(t, db, `UPDATE audit_logs SET target = 'thing:forged' WHERE seq = 2`)
		all = rows(t, db)
		p := all[0].Hash
		for i := 1; i < 3; i++ {
			all[i].PrevHash = p
			all[i].Hash = plainHash(&all[i])
			exec(t, db, `UPDATE audit_logs SET prev_hash = ?, hash = ? WHERE seq = ?`, all[i].PrevHash, all[i].Hash, all[i].Seq)
			p = all[i].Hash
		}
		if _, b, _ := s.Verify(ctx); b == nil || b.Seq != 4 || !strings.Contains(b.Reason, "prev_hash") {
			t.Fatalf("legacy row rewritten: break %v, want seq 4 prev_hash", b)
		}
	})
}

// TestCheckSavedHead saves the head at seq 5 of 8 and checks the chain
// against it after tampering that leaves a chain Verify alone accepts.
func TestCheckSavedHead(t *testing.T) {
	cases := []struct {
		name   string
		saved  func(h audit.SavedHead) audit.SavedHead
		tamper func(t *testing.T, db *gorm.DB)
		seq    int64 // 0: whole, saved head found at 5
		reason string
	}{
		{"untouched", nil, nil, 0, ""},
		{"untouched, hash only", func(h audit.SavedHead) audit.SavedHead { return audit.SavedHead{Hash: h.Hash} }, nil, 0, ""},
		{"cut back behind the saved head", nil, func(t *testing.T, db *gorm.DB) {
			truncate(t, db, 3)
		}, 4, "not on the chain"},
		{"cut back, hash only", func(h audit.SavedHead) audit.SavedHead { return audit.SavedHead{Hash: h.Hash} }, func(t *testing.T, db *gorm.DB) {
			truncate(t, db, 4)
		}, 5, "on no row"},
		{"emptied", nil, func(t *testing.T, db *gorm.DB) { reset(t, db) }, 1, "not on the chain"},
		{"whole chain rebuilt as plain SHA-256", nil, func(t *testing.T, db *gorm.DB) {
			exec(t, db, `UPDATE audit_logs SET hash_version = 1`)
			exec(t, db, `UPDATE audit_logs SET detail = '{}' WHERE seq = 2`)
			rechain(t, db, 1)
		}, 5, "another hash"},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		s.SetBatch(3)
		ctx := context.Background()
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				reset(t, db)
				appendN(t, s, 5)
				saved, err := s.SignedHead(ctx)
				if err != nil || saved.Seq != 5 || s.CheckMAC(saved) != nil {
					t.Fatalf("signed head %+v %v", saved, err)
				}
				if tc.saved != nil {
					saved = tc.saved(saved)
				}
				appendN(t, s, 3)
				if tc.tamper != nil {
					tc.tamper(t, db)
					if _, b, err := s.Verify(ctx); b != nil || err != nil {
						t.Fatalf("tampering left a chain Verify refuses already: %v %v", b, err)
					}
				}
				rep, b, err := s.Check(ctx, &saved)
				switch {
				case err != nil:
					t.Fatal(err)
				case tc.seq == 0 && (b != nil || rep.SavedHeadSeq != 5 || rep.Checked != 8):
					t.Fatalf("got %+v, %v; want the saved head at 5 of 8", rep, b)
				case tc.seq != 0 && b == nil:
					t.Fatalf("check passed: %+v", rep)
				case tc.seq != 0 && (b.Seq != tc.seq || !strings.Contains(b.Reason, tc.reason)):
					t.Errorf("break %s; want seq %d: …%s…", b, tc.seq, tc.reason)
				}
			})
		}
	})
}

// truncate cuts the chain back to seq n, leaving a whole chain.
func truncate(t *testing.T, db *gorm.DB, n int64) {
	t.Helper()
	var last model.AuditLog
	if err := db.Where("seq = ?", n).Take(&last).Error; err != nil {
		t.Fatal(err)
	}
	exec(t, db, `DELETE FROM audit_logs WHERE seq > ?`, n)
	exec(t, db, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, n, last.Hash)
}

func TestSavedHeadMACAndParse(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		appendN(t, s, 2)
		h, err := s.SignedHead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		logs := &lines{}
		logs.logger().Info("audit head", "seq", 1, "hash", strings.Repeat("0", 64), "mac", "00")
		logs.logger().Info("audit head", "seq", h.Seq, "hash", h.Hash, "mac", h.MAC)
		logs.logger().Info("something else")
		cases := []struct {
			name, text string
			want       audit.SavedHead
			macOK      bool
		}{
			{"bare hash", " " + strings.ToUpper(h.Hash) + "\n", audit.SavedHead{Hash: h.Hash}, true},
			{"audit head output", `{"seq":2,"hash":"` + h.Hash + `","mac":"` + h.MAC + `"}`, h, true},
			{"log of daily heads: the last counts", logs.String(), h, true},
			{"forged mac", `{"seq":2,"hash":"` + h.Hash + `","mac":"` + strings.Repeat("1", 64) + `"}`,
				audit.SavedHead{Seq: 2, Hash: h.Hash, MAC: strings.Repeat("1", 64)}, false},
			{"mac of another seq", `{"seq":1,"hash":"` + h.Hash + `","mac":"` + h.MAC + `"}`,
				audit.SavedHead{Seq: 1, Hash: h.Hash, MAC: h.MAC}, false},
		}
		for _, tc := range cases {
			got, err := audit.ParseSavedHead(tc.text)
			if err != nil || got != tc.want {
				t.Errorf("%s: %+v %v; want %+v", tc.name, got, err, tc.want)
				continue
			}
			if err := s.CheckMAC(got); (err == nil) != tc.macOK {
				t.Errorf("%s: mac check %v, want ok %t", tc.name, err, tc.macOK)
			}
		}
		for _, bad := range []string{"", "not a head", `{"seq":2}`, strings.Repeat("g", 64)} {
			if _, err := audit.ParseSavedHead(bad); err == nil {
				t.Errorf("%q parsed", bad)
			}
		}
	})
}
