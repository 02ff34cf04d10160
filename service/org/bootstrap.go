package org

import (
	"context"
	"errors"
	"strings"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
)

// Bootstrap creates the root federation when there is none and returns it
// with a fresh one-time federation_admin invitation. Run again, it creates
// no org and hands out a new invitation for the existing root.
func (s *Service) Bootstrap(ctx context.Context, name, region string) (*model.Org, *Invitation, error) {
	root, err := s.orgs.Root(ctx)
	if errors.Is(err, model.ErrNotFound) {
		root, err = s.createRoot(ctx, name, region)
	}
	if err != nil {
		return nil, nil, err
	}
	inv, err := s.createInvitation(ctx, 0, root, access.FederationAdmin)
	return root, inv, err
}

func (s *Service) createRoot(ctx context.Context, name, region string) (*model.Org, error) {
	now := s.now().UTC()
	id := model.NewID()
	o := &model.Org{ID: id, Path: model.RootPath(id), Depth: 0, Status: model.OrgActive, Version: 1,
		CreatedAt: now, UpdatedAt: now}
	typ := model.OrgFederation
	name, region = strings.TrimSpace(name), strings.TrimSpace(region)
	var bad []service.FieldError
	if name == "" {
		bad = append(bad, service.FieldError{Field: "name", Message: "请用 --name 给出省总工会的名称"})
	}
	if region == "" {
		bad = append(bad, service.FieldError{Field: "region_code", Message: "请用 --region 给出行政区划代码"})
	}
	if err := service.Invalid(bad); err != nil {
		return nil, err
	}
	if err := apply(o, Input{Name: &name, Type: &typ, RegionCode: &region}); err != nil {
		return nil, err
	}
	return o, model.InTx(ctx, s.db, func(ctx context.Context) error {
		// Another bootstrap may have won meanwhile: there is one root.
		if existing, err := s.orgs.Root(ctx); err == nil {
			*o = *existing
			return nil
		}
		return s.orgs.Create(ctx, o)
	})
}
