package api_test

import (
	"context"
	"testing"

	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/exporter"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
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
