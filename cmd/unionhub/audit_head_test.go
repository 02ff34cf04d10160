package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/audit"
)

// TestAuditVerifySavedHead saves `audit head` to a file, appends, and
// checks `audit verify --head` against it: passing while the saved head
// is on the chain, failing once the chain was cut back behind it (which
// plain `audit verify` cannot see: the rest is a whole chain).
func TestAuditVerifySavedHead(t *testing.T) {
	cli, vars, db := cliOnSQLite(t)
	ctx := context.Background()
	s := auditService(t, db, vars)
	record := func(n int) {
		for range n {
			if err := s.Record(ctx, audit.Entry{ActorID: 1, OrgID: 2, Action: "a.test"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(5)
	saved, err := cli("audit", "head")
	if err != nil {
		t.Fatal(err)
	}
	headFile := filepath.Join(vars["UNIONHUB_DATA_DIR"], "head.json")
	if err := os.WriteFile(headFile, []byte(saved), 0o600); err != nil {
		t.Fatal(err)
	}
	var head struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
		MAC  string `json:"mac"`
	}
	if err := json.Unmarshal([]byte(saved), &head); err != nil || head.Seq != 5 || head.MAC == "" {
		t.Fatalf("audit head: %q %v", saved, err)
	}
	forged := filepath.Join(vars["UNIONHUB_DATA_DIR"], "forged.json")
	body, _ := json.Marshal(map[string]any{"seq": head.Seq, "hash": head.Hash, "mac": strings.Repeat("0", 64)})
	if err := os.WriteFile(forged, body, 0o600); err != nil {
		t.Fatal(err)
	}
	record(2)

	type report struct {
		OK      bool   `json:"ok"`
		Checked int64  `json:"checked"`
		HeadSeq int64  `json:"saved_head_seq"`
		Problem string `json:"problem"`
	}
	verify := func(t *testing.T, wantOK bool, args ...string) report {
		t.Helper()
		out, err := cli(append([]string{"audit", "verify"}, args...)...)
		var r report
		if jerr := json.Unmarshal([]byte(out), &r); jerr != nil && wantOK {
			t.Fatalf("verify %v: %q: %v", args, out, jerr)
		}
		if (err == nil) != wantOK || r.OK != wantOK && out != "" {
			t.Fatalf("verify %v: %q, %v; want ok %t", args, out, err, wantOK)
		}
		return r
	}
	cases := []struct {
		name   string
		args   []string
		wantOK bool
	}{
		{"saved head file on the chain", []string{"--head", headFile}, true},
		{"saved hash on the chain", []string{"--head", head.Hash}, true},
		{"saved head with a forged mac", []string{"--head", forged}, false},
		{"unknown hash", []string{"--head", strings.Repeat("ab", 32)}, false},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			r := verify(t, tc.wantOK, tc.args...)
			if tc.wantOK && (r.Checked != 7 || r.HeadSeq != 5) {
				t.Errorf("report %+v: want 7 checked, saved head at 5", r)
			}
		})
	}

	// Cut the chain back to seq 3: what is left is a whole chain.
	all := []model.AuditLog{}
	if err := db.Order("seq").Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM audit_logs WHERE seq > 3`, `UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1`} {
		if err := db.Exec(q, all[2].Hash).Error; err != nil {
			t.Fatal(err)
		}
	}
	verify(t, true)
	for _, arg := range []string{headFile, head.Hash} {
		if r := verify(t, false, "--head", arg); !strings.Contains(r.Problem, "saved head") {
			t.Errorf("verify --head %s of a truncated chain: problem %q", arg, r.Problem)
		}
	}
}

// auditService is the audit service as the commands build it, with the
// key they use.
func auditService(t *testing.T, db *gorm.DB, vars map[string]string) *audit.Service {
	t.Helper()
	cfg, err := config.Load("", lookupFrom(vars))
	if err != nil {
		t.Fatal(err)
	}
	key, err := node.AuditKey(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return audit.New(db, key, nil, nil)
}
