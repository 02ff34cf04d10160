package audit_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/audit"
)

// TestVerifyFindsFirstBreak tampers with a chain of 8 rows (read 3 at a
// time) and checks Verify names the first broken seq and what is wrong.
func TestVerifyFindsFirstBreak(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, db *gorm.DB, chain []model.AuditLog)
		seq     int64
		checked int64
		reason  string
	}{
		{"detail changed", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `UPDATE audit_logs SET detail = '{"n":5,"name":"李*"}' WHERE seq = 5`)
		}, 5, 4, "changed"},
		{"actor erased", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `UPDATE audit_logs SET actor_id = NULL WHERE seq = 4`)
		}, 4, 3, "changed"},
		{"time moved", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			exec(t, db, `UPDATE audit_logs SET created_at = ? WHERE seq = 2`, c[1].CreatedAt.Add(-1e9))
		}, 2, 1, "changed"},
		{"first row rehashed", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			r := c[0]
			r.Target = "thing:forged"
			exec(t, db, `UPDATE audit_logs SET target = ?, hash = ? WHERE seq = 1`, r.Target, audit.RowHash(&r))
		}, 2, 1, "prev_hash"},
		{"row rehashed in the middle", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			r := c[5]
			r.Detail = `{}`
			exec(t, db, `UPDATE audit_logs SET detail = ?, hash = ? WHERE seq = 6`, r.Detail, audit.RowHash(&r))
		}, 7, 6, "prev_hash"},
		{"row deleted", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `DELETE FROM audit_logs WHERE seq = 4`)
		}, 4, 3, "missing"},
		{"first row deleted", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `DELETE FROM audit_logs WHERE seq = 1`)
		}, 1, 0, "missing"},
		{"last rows deleted", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `DELETE FROM audit_logs WHERE seq >= 7`)
		}, 7, 6, "missing"},
		{"rows swapped", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `UPDATE audit_logs SET seq = -3 WHERE seq = 3`)
			exec(t, db, `UPDATE audit_logs SET seq = 3 WHERE seq = 6`)
			exec(t, db, `UPDATE audit_logs SET seq = 6 WHERE seq = -3`)
		}, 3, 2, "prev_hash"},
		{"row renumbered to the front", func(t *testing.T, db *gorm.DB, _ []model.AuditLog) {
			exec(t, db, `UPDATE audit_logs SET seq = 0 WHERE seq = 5`)
		}, 0, 0, "out of place"},
		{"head rewound with the tail", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			exec(t, db, `UPDATE audit_head SET seq = 6, hash = ? WHERE id = 1`, c[5].Hash)
		}, 7, 8, "follow the head"},
		{"head hash changed", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			exec(t, db, `UPDATE audit_head SET hash = ? WHERE id = 1`, c[0].Hash)
		}, 8, 8, "head's hash"},
		{"row appended past the head", func(t *testing.T, db *gorm.DB, c []model.AuditLog) {
			r := c[7]
			r.ID, r.Seq, r.PrevHash = model.NewID(), 9, c[7].Hash
			r.Hash = audit.RowHash(&r)
			if err := db.Create(&r).Error; err != nil {
				t.Fatal(err)
			}
		}, 9, 9, "follow the head"},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		s.SetBatch(3)
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				reset(t, db)
				appendN(t, s, 8)
				if _, b, err := s.Verify(context.Background()); b != nil || err != nil {
					t.Fatalf("before tampering: %v %v", b, err)
				}
				tc.tamper(t, db, rows(t, db))
				n, b, err := s.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if b == nil {
					t.Fatal("verify found no break")
				}
				if b.Seq != tc.seq || n != tc.checked || !strings.Contains(b.Reason, tc.reason) {
					t.Errorf("got %d checked, break %s; want %d checked, seq %d: …%s…", n, b, tc.checked, tc.seq, tc.reason)
				}
			})
		}
	})
}
