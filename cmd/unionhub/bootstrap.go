package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/org"
)

// bootstrapCmd creates the root federation when there is none and prints
// one JSON line: its id and a one-time federation_admin invitation. It may
// run while servers are up: they read orgs and invitations from the
// database and see both at once.
func bootstrapCmd(ctx context.Context, cfg config.Config, log *slog.Logger, name, region string, e env) error {
	auditKey, err := node.AuditKey(cfg)
	if err != nil {
		return err
	}
	db, err := node.OpenDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := node.EnsureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	orgs := org.New(service.Env{Log: log}, org.Deps{DB: db, Audit: audit.New(db, auditKey, nil, log)}, org.Config{})
	root, inv, err := orgs.Bootstrap(ctx, name, region)
	var de *service.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		return fmt.Errorf("%s: %s", de.Fields[0].Field, de.Fields[0].Message)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(e.stdout).Encode(map[string]string{
		"org_id": strconv.FormatInt(root.ID, 10), "invitation_code": inv.Code})
}
