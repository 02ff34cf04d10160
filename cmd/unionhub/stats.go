package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/stats"
)

// statsCmd runs `unionhub stats reconcile [--fix]` or `unionhub stats
// report --org ID --month YYYY-MM [--out FILE]`. It parses its own flags,
// which the other commands do not know.
func statsCmd(ctx context.Context, args []string, e env) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("unionhub stats "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(e.stderr, usage) }
	configPath := fs.String("config", "", "YAML configuration file")
	fix := fs.Bool("fix", false, "reconcile: rewrite the counters that drifted")
	orgFlag := fs.String("org", "", "report: the org whose children the report lists")
	month := fs.String("month", "", "report: the month, YYYY-MM")
	out := fs.String("out", "", "report: the .xlsx file to write (default DATA_DIR/reports/report-ORG-MONTH.xlsx)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sub != "reconcile" && sub != "report" {
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("unknown stats command %q: use `stats reconcile` or `stats report`", sub)
	}
	var orgID int64
	if sub == "report" { // checked before anything is opened
		var err error
		if orgID, err = strconv.ParseInt(*orgFlag, 10, 64); err != nil || orgID <= 0 {
			return fmt.Errorf("stats report: --org must be an org id (digits), got %q", *orgFlag)
		}
		if m, err := time.Parse("2006-01", *month); err != nil || m.Format("2006-01") != *month {
			return fmt.Errorf("stats report: --month must be a month as YYYY-MM, e.g. 2026-11, got %q", *month)
		}
	}
	cfg, err := config.Load(*configPath, e.lookup)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	db, err := node.OpenDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := node.EnsureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	cal, err := calendar.Load(cfg.HolidaysFile)
	if err != nil {
		return fmt.Errorf("UNIONHUB_HOLIDAYS_FILE: %w", err)
	}
	st := stats.New(service.Env{Location: cfg.Location(), Log: log}, stats.Deps{DB: db, Calendar: cal})
	if sub == "reconcile" {
		return reconcile(ctx, st, *fix, e)
	}
	path := *out
	if path == "" { // never the working directory, which may be a checkout
		dir := filepath.Join(cfg.DataDir, "reports")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		path = filepath.Join(dir, fmt.Sprintf("report-%d-%s.xlsx", orgID, *month))
	}
	return report(ctx, st, orgID, *month, path, e)
}

// reconcile prints one JSON line per drifted org (and month), then a
// summary line; drift without --fix fails (exit 1).
func reconcile(ctx context.Context, st *stats.Service, fix bool, e env) error {
	drifts, err := st.Reconcile(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	for _, d := range drifts {
		line := map[string]any{"org_id": strconv.FormatInt(d.OrgID, 10), "drift": pairs(d.Fields)}
		if d.Month != "" {
			line["month"] = d.Month
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	if fix && len(drifts) > 0 {
		if err := st.Fix(ctx, drifts); err != nil {
			return err
		}
	}
	if err := enc.Encode(map[string]any{"drifted": len(drifts), "fixed": fix && len(drifts) > 0}); err != nil {
		return err
	}
	if len(drifts) > 0 && !fix {
		return fmt.Errorf("%d counter rows drifted from the recount: rerun with --fix", len(drifts))
	}
	return nil
}

func pairs(fields map[string]stats.Pair) map[string]map[string]int64 {
	out := make(map[string]map[string]int64, len(fields))
	for col, p := range fields {
		out[col] = map[string]int64{"counter": p.Counter, "recount": p.Recount}
	}
	return out
}

// report writes the month's progress report and prints {"file","rows"}.
func report(ctx context.Context, st *stats.Service, orgID int64, month, path string, e env) error {
	rep, err := st.Report(ctx, orgID, month)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := rep.WriteXLSX(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return json.NewEncoder(e.stdout).Encode(map[string]any{"file": path, "rows": len(rep.Rows)})
}
