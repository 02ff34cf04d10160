package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/audit"
)

// auditCmd runs `unionhub audit head` or `unionhub audit verify [--head
// HASH|FILE]`. Each prints one JSON line; verify fails (exit 1) at the
// first broken link, or when the chain no longer holds the saved head.
func auditCmd(ctx context.Context, cfg config.Config, log *slog.Logger, sub, savedHead string, e env) error {
	if sub != "head" && sub != "verify" {
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("unknown audit command %q: use `audit head` or `audit verify`", sub)
	}
	key, err := node.AuditKey(cfg)
	if err != nil {
		return err
	}
	var saved *audit.SavedHead
	if savedHead != "" {
		if saved, err = readSavedHead(savedHead); err != nil {
			return err
		}
	}
	db, err := node.OpenDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := node.EnsureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	s := audit.New(db, key, nil, log)
	out := json.NewEncoder(e.stdout)
	if sub == "head" {
		h, err := s.SignedHead(ctx)
		if err != nil {
			return err
		}
		return out.Encode(h)
	}
	if saved != nil {
		if err := s.CheckMAC(*saved); err != nil {
			return err
		}
	}
	rep, brk, err := s.Check(ctx, saved)
	if err != nil {
		return err
	}
	res := map[string]any{"ok": brk == nil, "checked": rep.Checked, "unkeyed": rep.Unkeyed}
	if saved != nil && brk == nil {
		res["saved_head_seq"] = rep.SavedHeadSeq
	}
	if brk != nil {
		res["seq"], res["problem"] = brk.Seq, brk.Reason
	}
	if err := out.Encode(res); err != nil {
		return err
	}
	if brk != nil {
		return fmt.Errorf("audit chain broken at seq %d: %s", brk.Seq, brk.Reason)
	}
	return nil
}

// readSavedHead takes a 64-digit hash as it is, anything else as the name
// of a file holding the saved head (audit.ParseSavedHead).
func readSavedHead(arg string) (*audit.SavedHead, error) {
	if h, err := audit.ParseSavedHead(arg); err == nil {
		return &h, nil
	}
	raw, err := os.ReadFile(arg)
	if err != nil {
		return nil, fmt.Errorf("--head: neither a hash nor a readable file: %w", err)
	}
	h, err := audit.ParseSavedHead(string(raw))
	if err != nil {
		return nil, fmt.Errorf("--head %s: %w", arg, err)
	}
	return &h, nil
}
