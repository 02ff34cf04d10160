package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
)

// TestCheckSeeded: on an empty database, or one with orgs but no members
// (seed-demo's), the load test stops saying to run seed-bench first.
func TestCheckSeeded(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if err := checkSeeded(ctx, db); !errors.Is(err, errNotSeeded) {
			t.Fatalf("empty database: %v", err)
		}
		now := time.Now().UTC()
		id := model.NewID()
		if err := model.NewOrgStore(db).Create(ctx, &model.Org{ID: id, Path: model.RootPath(id), Type: model.OrgGrassroots,
			Name: "工会", RegionCode: "420106", Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := checkSeeded(ctx, db); !errors.Is(err, errNotSeeded) {
			t.Fatalf("orgs without members: %v", err)
		}
	})
}
