package api_test

import (
	"context"
	"log/slog"
	"testing"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/exporter"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/stats"
)

// background is a node's background work in tests: the import and export
// services and a jobs Worker that a test drains on demand (no sleeping).
type background struct {
	t       *testing.T
	imports *importer.Service
	exports *exporter.Service
	files   *jobfile.Store
	blobs   blob.Store
	worker  *jobs.Worker
}

func newBackground(t *testing.T, db *gorm.DB, blobs blob.Store, cipher *pii.Cipher, aud *audit.Service,
	st *stats.Service, clk *clock, cfg config.Config, log *slog.Logger) *background {
	t.Helper()
	q := jobs.NewQueue(db, clk.Now)
	files := jobfile.New(db, blobs, cipher, clk.Now, log)
	imp := importer.New(importer.Deps{DB: db, Queue: q, Files: files, PII: cipher, Stats: st, Audit: audit.ForOrg(aud),
		Now: clk.Now, Location: cfg.Location(), Log: log, BatchSize: 4})
	exp := exporter.New(exporter.Deps{DB: db, Queue: q, Files: files, PII: cipher, Audit: audit.ForOrg(aud),
		Now: clk.Now, Location: cfg.Location(), Log: log, BatchSize: 3})
	w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: "test-node", Log: log})
	w.Register(importer.JobKind, imp.Handle)
	w.Register(exporter.JobKind, exp.Handle)
	return &background{t: t, imports: imp, exports: exp, files: files, blobs: blobs, worker: w}
}

// drain runs every queued job to its end and returns how many ran.
func (b *background) drain() int {
	b.t.Helper()
	n := 0
	for {
		ran, err := b.worker.RunOnce(context.Background())
		if err != nil {
			b.t.Fatalf("job queue: %v", err)
		}
		if !ran {
			return n
		}
		n++
	}
}

// importJob queues an import into org (by the root admin) and returns its
// job id.
func (tr *tree) importJob(org string) string {
	tr.e.t.Helper()
	var job struct {
		JobID string `json:"job_id"`
	}
	sheet := xlsxSheet(tr.e.t, [][]any{{"姓名", "身份证号码", "手机号码"}})
	tr.e.importRaw(tr.rootAdmin.Access, org, sheet).expect(tr.e.t, 202, 0).decode(tr.e.t, &job)
	return job.JobID
}

// exportJob queues an export of org requested by the matrix's caller when
// it may export there, else by the root admin, and returns its job id.
func (tr *tree) exportJob(org string) string {
	tr.e.t.Helper()
	var job struct {
		JobID string `json:"job_id"`
	}
	body := map[string]any{"org_id": org, "format": "csv", "reason": "上报"}
	if r := tr.e.do("POST", "/api/v1/admin/exports", body, tr.caller.Access); r.Status == 202 {
		r.decode(tr.e.t, &job)
		return job.JobID
	}
	tr.e.do("POST", "/api/v1/admin/exports", body, tr.rootAdmin.Access).expect(tr.e.t, 202, 0).decode(tr.e.t, &job)
	return job.JobID
}
