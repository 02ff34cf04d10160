package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/unionhub/unionhub/service/audit"
)

func TestAuditCommands(t *testing.T) {
	cli, vars, db := cliOnSQLite(t)
	ctx := context.Background()
	s := auditService(t, db, vars)
	for _, a := range []string{"a.one", "a.two", "a.three"} {
		if err := s.Record(ctx, audit.Entry{ActorID: 1, OrgID: 2, Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	_, wantHash, _ := s.Head(ctx)

	out, err := cli("audit", "head")
	var head struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	}
	if err != nil || json.Unmarshal([]byte(out), &head) != nil || head.Seq != 3 || head.Hash != wantHash ||
		strings.Count(out, "\n") != 1 {
		t.Fatalf("audit head: %q, %v; want seq 3 and %s on one line", out, err, wantHash)
	}

	out, err = cli("audit", "verify", "--addr", "127.0.0.1:1") // flags after the subcommand parse
	var whole map[string]any
	if err != nil || json.Unmarshal([]byte(out), &whole) != nil || whole["ok"] != true || whole["checked"] != 3.0 ||
		whole["unkeyed"] != 0.0 {
		t.Fatalf("audit verify: %q, %v", out, err)
	}

	if err := db.Exec(`UPDATE audit_logs SET action = 'a.forged' WHERE seq = 2`).Error; err != nil {
		t.Fatal(err)
	}
	out, err = cli("audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "seq 2") {
		t.Errorf("verify of a tampered chain: %v", err)
	}
	var brk struct {
		OK      bool   `json:"ok"`
		Checked int64  `json:"checked"`
		Seq     int64  `json:"seq"`
		Problem string `json:"problem"`
	}
	if json.Unmarshal([]byte(out), &brk) != nil || brk.OK || brk.Seq != 2 || brk.Checked != 1 || brk.Problem == "" {
		t.Errorf("verify output: %q", out)
	}

	for _, args := range [][]string{{"audit"}, {"audit", "rewrite"}} {
		if _, err := cli(args...); err == nil || !strings.Contains(err.Error(), "audit") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
