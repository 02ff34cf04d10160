package main

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/stats"
)

// TestSeedDemoLeavesCountersRight: `seed-demo && stats reconcile` exits 0
// and the overview shows the demo's workers and unions (issue 16).
func TestSeedDemoLeavesCountersRight(t *testing.T) {
	cli, _, db := cliOnSQLite(t)
	out, err := cli("seed-demo")
	if err != nil {
		t.Fatalf("seed-demo: %v", err)
	}
	var seeded struct {
		OrgID      string `json:"org_id"`
		Grassroots int64  `json:"grassroots_unions"`
	}
	if err := json.Unmarshal([]byte(out), &seeded); err != nil || seeded.Grassroots != 36 {
		t.Fatalf("seed-demo printed %q (%v)", out, err)
	}
	if out, err := cli("stats", "reconcile"); err != nil {
		t.Fatalf("stats reconcile right after seed-demo: %v\n%s", err, out)
	}

	var want struct{ Workers int64 }
	if err := db.Model(&model.Org{}).Select("COALESCE(SUM(worker_count), 0) AS workers").
		Where("type = ? AND status = ?", model.OrgGrassroots, model.OrgActive).Scan(&want).Error; err != nil {
		t.Fatal(err)
	}
	rootID, _ := strconv.ParseInt(seeded.OrgID, 10, 64)
	root, err := model.NewOrgStore(db).Get(context.Background(), rootID)
	if err != nil {
		t.Fatal(err)
	}
	sc := access.Scope{Bindings: []access.Binding{{OrgID: root.ID, OrgPath: root.Path, Role: access.FederationAdmin}}}
	ov, err := stats.New(service.Env{}, stats.Deps{DB: db}).Overview(context.Background(), sc, root.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if want.Workers == 0 || ov.WorkersTotal != want.Workers || ov.GrassrootsUnions != seeded.Grassroots {
		t.Errorf("overview: workers_total %d, grassroots_unions %d; want %d and %d", ov.WorkersTotal, ov.GrassrootsUnions, want.Workers, seeded.Grassroots)
	}

	// Every console page and chart has something to show: a year of
	// trend, a queue with overdue applications, transfers, redemptions.
	joined, left := 0, 0
	for _, m := range ov.Trend {
		if m.Joined > 0 {
			joined++
		}
		if m.Left > 0 {
			left++
		}
	}
	if joined < 6 || left < 6 {
		t.Errorf("trend: %d months with joins and %d with leaves, want ≥ 6 each: %+v", joined, left, ov.Trend)
	}
	if ov.Members.Total == 0 || ov.Applications.Pending == 0 || ov.Applications.Overdue == 0 {
		t.Errorf("overview: members %d, pending %d, overdue %d; want all > 0", ov.Members.Total, ov.Applications.Pending, ov.Applications.Overdue)
	}
	nonZero := 0
	for _, c := range ov.ByChild {
		if c.MembersTotal > 0 && c.Pending > 0 {
			nonZero++
		}
	}
	if nonZero < len(ov.ByChild) || len(ov.ByChild) == 0 {
		t.Errorf("by_child: %d of %d cities with members and pending applications: %+v", nonZero, len(ov.ByChild), ov.ByChild)
	}
	count := func(table, where string, args ...any) int64 {
		var n int64
		if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, st := range []string{model.AppDraft, model.AppSubmitted, model.AppReturned, model.AppApproved, model.AppRejected, model.AppWithdrawn} {
		if n := count("applications", "status = ?", st); n == 0 {
			t.Errorf("no %s application", st)
		}
	}
	for _, st := range []string{model.TransferPending, model.TransferApproved, model.TransferRejected} {
		if n := count("transfers", "status = ?", st); n == 0 {
			t.Errorf("no %s transfer", st)
		}
	}
	if count("redemptions", "1 = 1") == 0 || count("verifications", "1 = 1") == 0 || count("benefits", "1 = 1") == 0 {
		t.Error("no benefits, verifications or redemptions")
	}
}
