package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/stats"
)

func TestStatsCommands(t *testing.T) {
	cli, vars, db := cliOnSQLite(t)
	ctx := context.Background()
	// A province with one city and one union of 80 workers, counted as
	// the services count it.
	st := stats.New(service.Env{}, stats.Deps{DB: db})
	now := time.Now().UTC()
	var orgs []*model.Org
	for i, typ := range []string{model.OrgFederation, model.OrgFederation, model.OrgGrassroots} {
		id := model.NewID()
		o := &model.Org{ID: id, Path: model.RootPath(id), Type: typ, Name: []string{"省总", "市总", "工会"}[i],
			RegionCode: "420000", Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		if i > 0 {
			p := orgs[i-1]
			o.ParentID, o.Path, o.Depth = &p.ID, p.ChildPath(id), p.Depth+1
		}
		if typ == model.OrgGrassroots {
			o.WorkerCount = 80
		}
		if err := db.Create(o).Error; err != nil {
			t.Fatal(err)
		}
		if err := st.OrgChanged(ctx, nil, o); err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	out, err := cli("stats", "reconcile")
	if err != nil || strings.TrimSpace(out) != `{"drifted":0,"fixed":false}` {
		t.Fatalf("reconcile of exact counters: %q, %v", out, err)
	}

	if err := db.Exec("UPDATE org_stats SET workers_total = 70 WHERE org_id = ?", orgs[1].ID).Error; err != nil {
		t.Fatal(err)
	}
	out, err = cli("stats", "reconcile")
	city := strconv.FormatInt(orgs[1].ID, 10)
	want := `{"drift":{"workers_total":{"counter":70,"recount":80}},"org_id":"` + city + `"}`
	if err == nil || !strings.HasPrefix(out, want+"\n") {
		t.Fatalf("reconcile of drifted counters: %q, %v; want a line %s and an error", out, err, want)
	}
	if out, err = cli("stats", "reconcile", "--fix"); err != nil || !strings.Contains(out, `{"drifted":1,"fixed":true}`) {
		t.Fatalf("reconcile --fix: %q, %v", out, err)
	}
	if out, err = cli("stats", "reconcile"); err != nil {
		t.Fatalf("reconcile after the fix: %q, %v", out, err)
	}

	file := filepath.Join(vars["UNIONHUB_DATA_DIR"], "report.xlsx")
	root := strconv.FormatInt(orgs[0].ID, 10)
	out, err = cli("stats", "report", "--org", root, "--month", now.Format("2006-01"), "--out", file)
	var res struct {
		File string `json:"file"`
		Rows int    `json:"rows"`
	}
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.File != file || res.Rows != 1 {
		t.Fatalf("report: %q, %v", out, err)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("定期通报", "C3"); v != "80" {
		t.Errorf("the city's workers: %q", v)
	}
	for _, bad := range [][]string{{"stats"}, {"stats", "report", "--org", "x", "--month", "2026-11"},
		{"stats", "report", "--org", root, "--month", "11/2026"}} {
		if _, err := cli(bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
