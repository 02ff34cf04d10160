package audit

import (
	"context"

	"github.com/unionhub/unionhub/service/org"
)

// ForOrg adapts s to the org service's Auditor (orgs.SetAuditor), so role
// changes, invitations and org changes are recorded.
func ForOrg(s *Service) org.Auditor { return orgAuditor{s} }

type orgAuditor struct{ s *Service }

func (a orgAuditor) Record(ctx context.Context, e org.AuditEntry) error {
	return a.s.Record(ctx, Entry{ActorID: e.ActorID, OrgID: e.OrgID, Action: e.Action, Target: e.Target, Detail: e.Detail})
}
