package application

import (
	"context"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
)

// errUnionClosed refuses to approve into a union that is dissolving or
// dissolved: nobody new joins it.
var errUnionClosed = service.E(service.KindConflict, "该工会正在撤销或已撤销，不能再批准入会")

// CloseForDissolution rejects one submitted application to union o, which
// is being dissolved, with reason, decided by actor (who asked for the
// dissolution), in the caller's transaction, and reports whether there was
// one. It is counted, its applicant told and the decision audited as a
// reviewer's rejection would be; the applicant may then apply elsewhere.
// One per transaction, because the audit row must be its last write.
// Drafts and returned applications stay with their applicants: submitting
// them to a union that is not active is refused on org_id.
func (s *Service) CloseForDissolution(ctx context.Context, o *model.Org, actor int64, reason string) (bool, error) {
	rows, err := s.apps.ListForReview(ctx, model.ReviewFilter{Paths: []string{o.Path}, OrgID: o.ID, OrgPath: o.Path,
		Statuses: []string{model.AppSubmitted}}, model.Page{Limit: 1})
	if err != nil || len(rows) == 0 {
		return false, err
	}
	a, err := s.apps.Get(ctx, rows[0].ID)
	if err != nil {
		return false, err
	}
	now := s.now().UTC()
	if err := s.apps.Transition(ctx, a.ID, a.Version, []string{model.AppSubmitted}, map[string]any{
		"status": model.AppRejected, "open_key": nil, "review_reason": reason, "reviewed_by": actor,
		"reviewed_at": now, "updated_at": now,
	}); err != nil {
		return false, stale(err)
	}
	if err := s.counted(ctx, a, nil, model.AppSubmitted, model.AppRejected, nil); err != nil {
		return false, err
	}
	if err := s.logMove(ctx, a, a.Version+1, model.EventRejected, a.OrgID, reason); err != nil {
		return false, err
	}
	return true, s.afterDecision(ctx, access.Scope{UserID: actor}, a, o, model.AppRejected, reason, "application.reject")
}
