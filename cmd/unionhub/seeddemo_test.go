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
}
