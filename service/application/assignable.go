package application

import (
	"context"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/access"
)

// Assignable reports which of apps the caller may hand to a union now
// (转派, API.md §11), by application id: submitted, sitting at an intake
// point (a federation org, where it cannot be approved) or escalated to
// the parent federation once overdue, and the caller holding the assign
// action over that org. It reads the page's orgs in one
// query; the console shows 转派 by it.
func (s *Service) Assignable(ctx context.Context, sc access.Scope, apps []model.Application) (map[int64]bool, error) {
	out := make(map[int64]bool, len(apps))
	if !sc.Can(access.Assign) {
		return out, nil
	}
	var ids []int64
	for i := range apps {
		if apps[i].Status == model.AppSubmitted {
			ids = append(ids, apps[i].OrgID)
		}
	}
	orgs, err := s.orgs.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		o, found := orgs[apps[i].OrgID]
		out[apps[i].ID] = found && assignable(&apps[i], o) && sc.Covers(access.Assign, o.Path)
	}
	return out, nil
}
