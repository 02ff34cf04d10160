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
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/stats"
)

// TestSeedBenchOutputValidates generates a small province and checks every
// record the way the services would: ID numbers and USCCs check, PII
// decrypts to what its blind index says, member numbers are unique under
// the union's region, and the counters match a recount.
func TestSeedBenchOutputValidates(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		cipher := piitest.Cipher(t)
		st := stats.New(service.Env{}, stats.Deps{DB: db})
		now := time.Now().UTC()
		sum, err := seedBench(ctx, db, cipher, st, benchOptions{Unions: 5, Members: 200, Applications: 12,
			Workers: 2, Seed: 7, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Unions != 5 || sum.Members != 200 || sum.Applications != 12 || sum.Orgs != 1+17*(1+countiesPerCity)+5 {
			t.Fatalf("summary %+v", sum)
		}
		var unions []model.Org
		if err := db.Where("type = ?", model.OrgGrassroots).Find(&unions).Error; err != nil {
			t.Fatal(err)
		}
		byID := map[int64]model.Org{}
		for _, u := range unions {
			if err := codes.CheckUSCC(*u.USCC); err != nil {
				t.Errorf("union %s: uscc %s: %v", u.Name, *u.USCC, err)
			}
			byID[u.ID] = u
		}
		var ms []model.Member
		if err := db.Find(&ms).Error; err != nil {
			t.Fatal(err)
		}
		if len(ms) != 200 {
			t.Fatalf("%d members", len(ms))
		}
		nos, perUnion := map[string]bool{}, map[int64]int{}
		female, migrant := 0, 0
		for _, m := range ms {
			number, err := cipher.Decrypt(pii.MemberIDNumber.Row(m.ID), m.IDNumberEnc)
			if err != nil {
				t.Fatal(err)
			}
			id, err := codes.ParseIDNumber(number, m.IDType, now, time.UTC)
			if err != nil {
				t.Fatalf("member %s: %s: %v", m.Name, number, err)
			}
			if cipher.BlindIndexFor(pii.DomainIDNumber, number) != m.IDNumberIdx || m.RollKey == nil || *m.RollKey != m.IDNumberIdx {
				t.Errorf("member %s: blind index does not match", m.Name)
			}
			if id.Gender != *m.Gender || id.BirthDate.Format("2006-01-02") != *m.BirthDate {
				t.Errorf("member %s: gender %s / birth %s, the ID number says %s / %s", m.Name, *m.Gender, *m.BirthDate, id.Gender, id.BirthDate)
			}
			if _, err := codes.CheckName(m.Name, m.IDType); err != nil {
				t.Errorf("name %q: %v", m.Name, err)
			}
			u := byID[m.OrgID]
			if nos[m.MemberNo] || !strings.HasPrefix(m.MemberNo, u.RegionCode) || len(m.MemberNo) != 14 {
				t.Errorf("member number %s (union region %s) duplicate or malformed", m.MemberNo, u.RegionCode)
			}
			nos[m.MemberNo] = true
			perUnion[m.OrgID]++
			if m.Gender != nil && *m.Gender == "female" {
				female++
			}
			if m.IsMigrantWorker {
				migrant++
			}
		}
		for id, n := range perUnion {
			if byID[id].WorkerCount < n {
				t.Errorf("union %s: %d members but %d workers", byID[id].Name, n, byID[id].WorkerCount)
			}
		}
		if female < 50 || female > 130 || migrant < 25 || migrant > 100 {
			t.Errorf("mix off: %d female, %d migrant of 200", female, migrant)
		}
		var events, pending int64
		db.Model(&model.MembershipEvent{}).Where("type = ?", "join").Count(&events)
		db.Model(&model.Application{}).Where("status = ?", model.AppSubmitted).Count(&pending)
		if events != 200 || pending != 12 {
			t.Errorf("%d join events, %d submitted applications", events, pending)
		}
		var apps []model.Application
		if err := db.Find(&apps).Error; err != nil {
			t.Fatal(err)
		}
		cal, overdue := calendar.Default(), 0
		today := calendar.DateOf(now)
		for _, a := range apps { // submitted over the last 30 working days, due 15 working days after
			due := cal.AddWorkingDays(calendar.DateOf(*a.SubmittedAt), 15)
			if a.SubmittedAt.After(now) || cal.WorkingDaysBetween(calendar.DateOf(*a.SubmittedAt), today) >= 30 ||
				a.DueOn == nil || *a.DueOn != due.String() {
				t.Errorf("application %d: submitted %v, due %v, want due %s", a.ID, a.SubmittedAt, a.DueOn, due)
			}
			if due.Before(today) {
				overdue++
			}
		}
		if overdue != sum.Overdue || overdue == 0 || overdue == len(apps) {
			t.Errorf("%d overdue of %d, summary says %d: want some overdue and some not", overdue, len(apps), sum.Overdue)
		}
		for _, a := range apps { // sealed for the application's own row, as the service reads them
			if _, err := cipher.Decrypt(pii.ApplicationIDNumber.Row(a.ID), *a.IDNumberEnc); err != nil {
				t.Errorf("application %d: id number: %v", a.ID, err)
			}
			if _, err := cipher.Decrypt(pii.ApplicationPhone.Row(a.ID), *a.PhoneEnc); err != nil {
				t.Errorf("application %d: phone: %v", a.ID, err)
			}
		}
		drifts, err := st.Reconcile(ctx)
		if err != nil || len(drifts) != 0 {
			t.Fatalf("counters drift after seeding: %v %+v", err, drifts)
		}
		if _, err := seedBench(ctx, db, cipher, st, benchOptions{Unions: 1, Members: 1, Now: now}); err == nil {
			t.Fatal("seeding a database that holds orgs succeeded")
		}
	})
}

func TestSeedBenchCommand(t *testing.T) {
	vars := map[string]string{"UNIONHUB_DATA_DIR": t.TempDir()}
	var out, logs lockedBuffer
	err := run(context.Background(), []string{"seed-bench", "--unions", "3", "--members", "40", "--applications", "4"},
		env{stdout: &out, stderr: &logs, lookup: lookupFrom(vars)})
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	var sum benchSummary
	if err := json.Unmarshal([]byte(out.String()), &sum); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if sum.Members != 40 || sum.Unions != 3 || sum.TimingsMS["total"] < 0 || sum.RootOrgID == "" {
		t.Fatalf("summary %+v", sum)
	}
}
