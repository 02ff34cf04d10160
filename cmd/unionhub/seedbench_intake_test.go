package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/stats"
)

// TestSeedBenchIntakePoints: --intake-points marks that many county
// federations as intake points, spread over the cities, and their share
// of the applications goes to them, with an employer and nothing else
// missing; the counters reconcile with no drift.
func TestSeedBenchIntakePoints(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		cipher := piitest.Cipher(t)
		st := stats.New(service.Env{}, stats.Deps{DB: db})
		sum, err := seedBench(ctx, db, cipher, st, benchOptions{Unions: 4, Members: 40, Applications: 40,
			IntakePoints: 5, IntakeShare: 0.25, Workers: 1, Seed: 3, Now: time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
		if sum.IntakePoints != 5 || sum.IntakeApplications != 10 || sum.Applications != 40 {
			t.Errorf("summary %+v, want 5 intake points with 10 of the 40 applications", sum)
		}
		var intake []model.Org
		if err := db.Where("type = ? AND accepts_applications = ?", model.OrgFederation, true).Find(&intake).Error; err != nil {
			t.Fatal(err)
		}
		byID, cities := map[int64]bool{}, map[int64]bool{}
		for _, o := range intake {
			if o.Depth != 2 || o.ParentID == nil {
				t.Errorf("intake point %s at depth %d, want a county federation", o.Name, o.Depth)
				continue
			}
			byID[o.ID], cities[*o.ParentID] = true, true
		}
		if len(intake) != 5 || len(cities) != 5 {
			t.Errorf("%d intake points in %d cities, want 5 in 5", len(intake), len(cities))
		}
		var apps []model.Application
		if err := db.Where("status = ?", model.AppSubmitted).Find(&apps).Error; err != nil {
			t.Fatal(err)
		}
		atIntake := 0
		for _, a := range apps {
			if !byID[a.OrgID] {
				continue
			}
			atIntake++
			if a.EmployerName == nil || *a.EmployerName == "" || a.DueOn == nil {
				t.Errorf("intake application %d: employer %v, due %v", a.ID, a.EmployerName, a.DueOn)
			}
			if _, err := cipher.Decrypt(pii.ApplicationIDNumber.Row(a.ID), *a.IDNumberEnc); err != nil {
				t.Errorf("intake application %d: id number: %v", a.ID, err)
			}
		}
		if atIntake != 10 {
			t.Errorf("%d applications at intake points, want 10", atIntake)
		}
		drifts, err := st.Reconcile(ctx)
		if err != nil || len(drifts) != 0 {
			t.Fatalf("counters drift after seeding: %v %+v", err, drifts)
		}
	})
}

// TestSeedBenchIntakeCommand: the flags reach the seed, `stats reconcile`
// then finds no drift, and out-of-range values are refused.
func TestSeedBenchIntakeCommand(t *testing.T) {
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	cli := func(args ...string) (string, error) {
		var out, logs lockedBuffer
		err := run(context.Background(), args, env{stdout: &out, stderr: &logs, lookup: lookupFrom(vars)})
		return out.String(), err
	}
	for _, bad := range [][]string{{"--intake-points", "103"}, {"--intake-points", "-1"}, {"--intake-share", "1.5"}} {
		if _, err := cli(append([]string{"seed-bench", "--unions", "2", "--members", "4"}, bad...)...); err == nil {
			t.Errorf("seed-bench %v: accepted", bad)
		}
	}
	out, err := cli("seed-bench", "--unions", "3", "--members", "40", "--applications", "20", "--intake-points", "2",
		"--intake-share", "0.5")
	if err != nil {
		t.Fatal(err)
	}
	var sum benchSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sum.IntakePoints != 2 || sum.IntakeApplications != 10 {
		t.Errorf("summary %+v, want 2 intake points, 10 applications to them", sum)
	}
	if out, err := cli("stats", "reconcile"); err != nil || !strings.Contains(out, `{"drifted":0,"fixed":false}`) {
		t.Errorf("stats reconcile after the seed: %q, %v; want no drift", out, err)
	}
}
