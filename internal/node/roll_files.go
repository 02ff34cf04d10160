package node

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/exporter"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/stats"
)

// jobFilesCleanup is how often expired import sheets and export files are
// deleted; an export is served for 24 h, so it goes at most this late.
const jobFilesCleanup = 10 * time.Minute

// newRollFiles builds the Excel import and export on the node's job
// machinery: their handlers go to bg's Worker, the deletion of expired
// files (the users' data exports' too, which share the store) to its
// Runner. Call it before bg starts.
func newRollFiles(env service.Env, bg *background, db *gorm.DB, files *jobfile.Store, cipher *pii.Cipher, aud *audit.Service,
	st *stats.Service, b Batches) (*importer.Service, *exporter.Service) {
	imports := importer.New(env, importer.Deps{DB: db, Queue: bg.Queue, Files: files, PII: cipher, Stats: st, Audit: aud},
		importer.Config{BatchSize: b.Import})
	exports := exporter.New(env, exporter.Deps{DB: db, Queue: bg.Queue, Files: files, PII: cipher, Audit: aud},
		exporter.Config{BatchSize: b.Export})
	bg.Worker.Register(importer.JobKind, imports.Handle)
	bg.Worker.Register(exporter.JobKind, exports.Handle)
	bg.Runner.Every("job_files_cleanup", jobFilesCleanup, func(ctx context.Context) error {
		n, err := files.Cleanup(ctx)
		if n > 0 {
			env.Log.InfoContext(ctx, "expired job files deleted", "files", n)
		}
		return err
	})
	return imports, exports
}
