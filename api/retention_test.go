package api_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/jobs"
)

// retentionRunner is a node's periodic deletions, as the node registers
// them (cmd/internal/node), on the test clock.
func (e *testEnv) retentionRunner() *jobs.Runner {
	e.t.Helper()
	r := jobs.NewRunner(e.db, jobs.RunnerConfig{Owner: "node-a", Now: e.clock.Now})
	r.Every("upload_cleanup", time.Hour, func(ctx context.Context) error { _, err := e.uploads.Cleanup(ctx); return err })
	r.Every("job_files_cleanup", 10*time.Minute, func(ctx context.Context) error { _, err := e.bg.files.Cleanup(ctx); return err })
	e.accountsOn(account.Config{}).Schedule(r)
	return r
}

// TestRetentionPeriods: every period the built-in privacy notice declares
// is kept by a leased periodic task, on the clock: ID-card images 30 days
// after the decision, unused uploads after a day, the personal data of
// rejected and withdrawn applications 180 days after they closed, data
// exports and admin exports 24 hours after they were made. Each is there a
// minute before its time and gone (row and file) a minute after; the
// account cancellation's 7 days are TestDeactivationRequests'.
func TestRetentionPeriods(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		r := e.retentionRunner()
		uploadThere := func(id string) func() bool {
			return func() bool {
				var key string
				e.db.Table("uploads").Where("id = ?", mustID(t, id)).Pluck("storage_key", &key)
				_, err := e.bg.blobs.Get(context.Background(), key)
				return e.count(t, "uploads", "id = ? AND deleted_at IS NULL", mustID(t, id)) == 1 || err == nil
			}
		}
		formThere := func(appID string) func() bool {
			return func() bool {
				return e.count(t, "applications", "id = ? AND name <> '' AND id_number_enc IS NOT NULL AND redacted_at IS NULL", mustID(t, appID)) == 1
			}
		}
		fileThere := func(jobID string) func() bool {
			return func() bool {
				var prefix string
				e.db.Table("job_files").Where("job_id = ?", mustID(t, jobID)).Pluck("storage_prefix", &prefix)
				_, err := e.bg.blobs.Get(context.Background(), prefix+"/0")
				return e.count(t, "job_files", "job_id = ? AND deleted_at IS NULL", mustID(t, jobID)) == 1 || err == nil
			}
		}
		// Everything is made at the start (while the sessions live), then
		// the clock walks through the periods.
		type kept struct {
			name   string
			period time.Duration
			there  func() bool
		}
		var all []kept
		add := func(name string, period time.Duration, there func() bool) {
			if !there() {
				t.Fatalf("%s: not there to begin with", name)
			}
			all = append(all, kept{name, period, there})
		}
		m := tr.member(tr.u1)
		add("ID-card images after the decision", 30*24*time.Hour, uploadThere(m.front))
		e.consent(tr.plain)
		add("an upload no form uses", 24*time.Hour, uploadThere(e.upload(tr.plain, "photo")))
		rejected := tr.application(tr.u1)
		e.do("POST", "/api/v1/admin/applications/"+rejected.ID+"/reject", map[string]any{"version": rejected.Version,
			"reason": "非本单位职工"}, tr.chair1.Access).expect(t, 200, 0)
		add("a rejected application's personal data", 180*24*time.Hour, formThere(rejected.ID))
		a := e.newApplicant("13500001111", idNumber("19880808", 808))
		withdrawn := e.apply(a, tr.u1)
		e.do("POST", "/api/v1/applications/"+withdrawn.ID+"/withdraw", map[string]any{"version": withdrawn.Version}, a.Access).
			expect(t, 200, 0)
		add("a withdrawn application's personal data", 180*24*time.Hour, formThere(withdrawn.ID))
		var job struct {
			JobID string `json:"job_id"`
		}
		e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 202, 0).decode(t, &job)
		tr.caller = tr.chair1
		export := tr.exportJob(tr.u1)
		e.bg.drain()
		add("a data export", 24*time.Hour, fileThere(job.JobID))
		add("an admin's export", 24*time.Hour, fileThere(export))

		start := e.clock.Now()
		slices.SortStableFunc(all, func(a, b kept) int { return cmp.Compare(a.period, b.period) })
		for len(all) > 0 {
			period := all[0].period
			n := 1
			for n < len(all) && all[n].period == period {
				n++
			}
			group := all[:n]
			all = all[n:]
			t.Run(period.String(), func(t *testing.T) {
				e.clock.Advance(start.Add(period - time.Minute).Sub(e.clock.Now()))
				r.RunOnce(context.Background())
				for _, k := range group {
					if !k.there() {
						t.Errorf("%s: gone a minute before its time", k.name)
					}
				}
				e.clock.Advance(2 * time.Minute)
				if n := r.RunOnce(context.Background()); n == 0 {
					t.Fatal("no task ran")
				}
				for _, k := range group {
					if k.there() {
						t.Errorf("%s: still there a minute after its time", k.name)
					}
				}
			})
		}
	})
}
