package audit

import "github.com/unionhub/unionhub/model"

// TestKey is the audit key of this package's tests.
var TestKey = []byte("unionhub audit key of the tests!")

// SetBatch sets the rows Verify reads per query, so tests cross batch
// boundaries with few rows.
func (s *Service) SetBatch(n int) { s.batch = n }

// RowHash exposes the chain hash under TestKey, so a test can forge a
// consistent row as someone holding the key could.
func RowHash(r *model.AuditLog) string { return rowHash(TestKey, r) }
