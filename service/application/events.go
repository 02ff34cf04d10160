package application

import (
	"context"

	"github.com/unionhub/unionhub/model"
)

// logMove records a move of a in its transaction, for the applicant's
// timeline: version is a's version after the move, orgID where a is then,
// note the reason the reviewer gave ("" for none).
func (s *Service) logMove(ctx context.Context, a *model.Application, version int, kind string, orgID int64, note string) error {
	ev := &model.ApplicationEvent{ApplicationID: a.ID, Version: version, At: s.now().UTC(), Kind: kind, OrgID: orgID}
	if note != "" {
		ev.Note = &note
	}
	return s.events.Add(ctx, ev)
}

// Timeline returns the moves of application a, oldest first; a is one the
// caller may read (Get).
func (s *Service) Timeline(ctx context.Context, a *model.Application) ([]model.ApplicationEvent, error) {
	return s.events.List(ctx, a.ID)
}
