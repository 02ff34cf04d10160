package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/unionhub/unionhub/model"
)

// worker is a fresh applicant, ready to apply.
func (tr *tree) worker() applicant {
	tr.e.t.Helper()
	tr.n++
	return tr.e.newApplicant(fmt.Sprintf("136%08d", tr.n), idNumber("19900101", tr.n))
}

// queueIDs lists the ids in s's review queue (query appended to the path).
func (e *testEnv) queueIDs(t *testing.T, s session, query string) map[string]bool {
	t.Helper()
	var p struct {
		Items []struct {
			ID    string `json:"id"`
			OrgID string `json:"org_id"`
		} `json:"items"`
	}
	e.do("GET", "/api/v1/admin/applications?limit=100"+query, nil, s.Access).expect(t, 200, 0).decode(t, &p)
	out := map[string]bool{}
	for _, it := range p.Items {
		out[it.ID] = true
	}
	return out
}

// assignReply is the part of an assignment's reply the tests read.
type assignReply struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name"`
	Status  string `json:"status"`
	Version int    `json:"version"`
}

// assign has by assign application id at version to org.
func (e *testEnv) assign(by session, id string, version int, org, reason string) reply {
	e.t.Helper()
	body := map[string]any{"version": version, "org_id": org}
	if reason != "" {
		body["reason"] = reason
	}
	return e.do("POST", "/api/v1/admin/applications/"+id+"/assign", body, by.Access)
}

// timeline returns the recorded moves of application id, oldest first.
func (e *testEnv) timeline(t *testing.T, id string) []model.ApplicationEvent {
	t.Helper()
	evs, err := model.NewApplicationEventStore(e.db).List(context.Background(), mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// wantTimeline checks the kinds and orgs of application id's moves.
func (e *testEnv) wantTimeline(t *testing.T, id string, kinds, orgs []string) []model.ApplicationEvent {
	t.Helper()
	evs := e.timeline(t, id)
	var gotKinds, gotOrgs []string
	for _, ev := range evs {
		gotKinds = append(gotKinds, ev.Kind)
		gotOrgs = append(gotOrgs, idStr(ev.OrgID))
	}
	if fmt.Sprint(gotKinds) != fmt.Sprint(kinds) || fmt.Sprint(gotOrgs) != fmt.Sprint(orgs) {
		t.Fatalf("timeline of %s: %v at %v, want %v at %v", id, gotKinds, gotOrgs, kinds, orgs)
	}
	return evs
}

// pending reads org's pending counter straight from the counters (the
// overview is cached).
func (e *testEnv) pending(t *testing.T, org string) int64 {
	t.Helper()
	s, err := model.NewStatsStore(e.db).Sum(context.Background(), mustID(t, org))
	if err != nil {
		t.Fatal(err)
	}
	return s.Pending
}

// noDrift fails when the counters differ from a fresh recount.
func (e *testEnv) noDrift(t *testing.T) {
	t.Helper()
	drifts, err := e.stats.Reconcile(context.Background())
	if err != nil || len(drifts) != 0 {
		t.Fatalf("counters drifted from the recount: %v %+v", err, drifts)
	}
}

// outboxCount counts the subscribe messages queued so far.
func (e *testEnv) outboxCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(&model.OutboxMessage{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
