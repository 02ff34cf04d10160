package application

import (
	"context"
	"maps"
	"slices"
)

// Bounds of the due-date backfill (backfillDue).
const (
	// DueBackfillPerSweep bounds how many applications without a due date
	// one sweep dates, so that the first sweeps on a large database that
	// migration 15 left undated stay short: at a sweep every 15 minutes,
	// 96 000 a day.
	DueBackfillPerSweep = 1000
	// dueBackfillBatch is how many it reads at a time.
	dueBackfillBatch = 200
)

// backfillDue gives up to DueBackfillPerSweep submitted applications
// without a due date (submitted before migration 15, which could not
// count working days in SQL) the due date of their submission, as
// submitting computes it: business zone, working-day calendar. It reads
// them from ix_applications_deadline, dueBackfillBatch at a time, and
// writes each batch with one UPDATE per distinct due date that only fills
// a NULL, so that sweeps on two nodes date each application once, the
// same way. It returns how many it dated; they take part in
// the notices of the sweep that dated them, as the others.
func (s *Service) backfillDue(ctx context.Context) (int, error) {
	dated, read := 0, 0
	for read < DueBackfillPerSweep {
		rows, err := s.apps.UndatedSubmitted(ctx, min(dueBackfillBatch, DueBackfillPerSweep-read))
		if err != nil {
			return dated, err
		}
		byDue := map[string][]int64{}
		for _, a := range rows {
			submitted := a.CreatedAt // an application is created before it is submitted
			if a.SubmittedAt != nil {
				submitted = *a.SubmittedAt
			}
			due := s.dueOn(submitted)
			byDue[due] = append(byDue[due], a.ID)
		}
		for _, due := range slices.Sorted(maps.Keys(byDue)) {
			n, err := s.apps.SetDueOn(ctx, byDue[due], due)
			if err != nil {
				return dated, err
			}
			dated += int(n)
		}
		if len(rows) < dueBackfillBatch {
			return dated, nil
		}
		read += len(rows)
	}
	return dated, nil
}
