package node

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/blob"
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
// files (the users' data exports' too, which share the store it returns)
// to its Runner. Call it before bg starts.
func newRollFiles(bg *background, db *gorm.DB, blobs blob.Store, cipher *pii.Cipher, aud *audit.Service,
	st *stats.Service, cfg config.Config, log *slog.Logger) (*importer.Service, *exporter.Service, *jobfile.Store) {
	files := jobfile.New(db, blobs, cipher, nil, log)
	imports := importer.New(importer.Deps{DB: db, Queue: bg.Queue, Files: files, PII: cipher, Stats: st,
		Audit: audit.ForOrg(aud), Location: cfg.Location(), Log: log})
	exports := exporter.New(exporter.Deps{DB: db, Queue: bg.Queue, Files: files, PII: cipher,
		Audit: audit.ForOrg(aud), Location: cfg.Location(), Log: log})
	bg.Worker.Register(importer.JobKind, imports.Handle)
	bg.Worker.Register(exporter.JobKind, exports.Handle)
	bg.Runner.Every("job_files_cleanup", jobFilesCleanup, func(ctx context.Context) error {
		n, err := files.Cleanup(ctx)
		if n > 0 {
			log.InfoContext(ctx, "expired job files deleted", "files", n)
		}
		return err
	})
	return imports, exports, files
}
