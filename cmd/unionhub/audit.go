package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/unionhub/unionhub/cmd/internal/node"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/audit"
)

// auditCmd runs `unionhub audit head` or `unionhub audit verify`. Each
// prints one JSON line; verify fails (exit 1) at the first broken link.
func auditCmd(ctx context.Context, cfg config.Config, log *slog.Logger, sub string, e env) error {
	if sub != "head" && sub != "verify" {
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("unknown audit command %q: use `audit head` or `audit verify`", sub)
	}
	db, err := node.OpenDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := node.EnsureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	s := audit.New(db, nil, log)
	out := json.NewEncoder(e.stdout)
	if sub == "head" {
		seq, hash, err := s.Head(ctx)
		if err != nil {
			return err
		}
		return out.Encode(struct {
			Seq  int64  `json:"seq"`
			Hash string `json:"hash"`
		}{seq, hash})
	}
	checked, brk, err := s.Verify(ctx)
	if err != nil {
		return err
	}
	if brk != nil {
		if err := out.Encode(map[string]any{"ok": false, "checked": checked, "seq": brk.Seq, "problem": brk.Reason}); err != nil {
			return err
		}
		return fmt.Errorf("audit chain broken at seq %d: %s", brk.Seq, brk.Reason)
	}
	return out.Encode(map[string]any{"ok": true, "checked": checked})
}
