package audit

import "github.com/unionhub/unionhub/model"

// SetBatch sets the rows Verify reads per query, so tests cross batch
// boundaries with few rows.
func (s *Service) SetBatch(n int) { s.batch = n }

// RowHash exposes the chain hash, so a test can forge a consistent row.
func RowHash(r *model.AuditLog) string { return rowHash(r) }
