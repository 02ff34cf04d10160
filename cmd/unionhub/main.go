// Command unionhub is UnionHub's one binary: `serve` (the default) runs the
// API, `migrate` applies database migrations, `fakewechat` runs the fake
// WeChat server for local development.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/logbuf"
)

// The process decides gin's mode once: release (no debug route listing,
// no debug warnings), in every subcommand and in its tests.
func init() { gin.SetMode(gin.ReleaseMode) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C or SIGTERM shuts down gracefully; once it has come,
	// the signals kill again, so a second Ctrl-C stops a slow shutdown.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv})
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "unionhub:", err)
		os.Exit(1)
	}
}

// env is what run takes from the process, so tests can give their own.
type env struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	// onListen, when set, is told the API's address once it accepts;
	// onMetrics the metrics listener's.
	onListen, onMetrics func(net.Addr)
}

const usage = `usage: unionhub [command] [--config FILE] [flags]

commands:
  serve        run the API server (the default)
  migrate      apply pending database migrations and exit
  bootstrap    create the root federation (--name, --region) if there is none and
               print {"org_id","invitation_code"}: a one-time federation_admin invitation
  seed-demo    fill an empty database with a small demo province (3 cities, 6 districts,
               36 grassroots unions) and print the root admin invitation
  fakewechat   run the fake WeChat server for local development (--addr)
  fakewechat push  --url URL --token T --event E --openid O [--aes-key K] [--xml]:
               push one WeChat event, signed (and encrypted) as WeChat does
  audit head   print the audit chain's head with its MAC under the audit key:
               {"seq","hash","mac"}; save it off the database's hosts
  audit verify walk the audit chain; exit 1 at the first broken link;
               --head HASH|FILE: the chain must still hold a head saved earlier
               (a hash, audit head's output, or a log of daily "audit head" lines)
  stats reconcile  recount the monitoring counters from the source tables, print each
                   drift as a JSON line; exit 1 on drift unless --fix rewrites them
  stats report     --org ID --month YYYY-MM [--out FILE]: the month's progress report
                   (定期通报) of the org's children as .xlsx, by default under
                   DATA_DIR/reports/
  seed-bench   --unions N --members M [--applications A] [--intake-points K
               [--intake-share 0.1]]: fill an empty database with a generated
               province (tree, members, applications, counters) for load tests;
               K county federations take applications, that share of A goes to them
  sample       [uscc|id] [--n N] [--region CODE] [--json] [--seed S]: print valid sample
               unified social credit codes (91…, both check characters) and resident ID
               numbers (adults, both genders) for trying the API by hand
  sample photo --out FILE: a placeholder ID photo (JPEG) to upload
  sample sheet --out FILE [--template FILE] [--n N]: an import sheet with valid rows

Configuration comes from --config (YAML) and UNIONHUB_* environment
variables; the environment wins. See README.md.`

// run is the whole program; main only maps its error to an exit code.
func run(ctx context.Context, args []string, e env) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	sub := ""
	if cmd == "audit" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if cmd == "stats" {
		return statsCmd(ctx, args, e)
	}
	if cmd == "seed-bench" {
		return seedBenchCmd(ctx, args, e)
	}
	if cmd == "sample" {
		return sampleCmd(args, e, time.Now())
	}
	if cmd == "fakewechat" && len(args) > 0 && args[0] == "push" {
		return fakePushCmd(ctx, args[1:], e)
	}
	fs := flag.NewFlagSet("unionhub "+cmd, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(e.stderr, usage) }
	configPath := fs.String("config", "", "YAML configuration file")
	fakeAddr := fs.String("addr", "127.0.0.1:9090", "fakewechat: listen address")
	rootName := fs.String("name", "", "bootstrap: name of the root federation")
	rootRegion := fs.String("region", "", "bootstrap: GB/T 2260 region code of the root federation")
	savedHead := fs.String("head", "", "audit verify: a head saved earlier (hash or file) that must be on the chain")
	withPprof := fs.Bool("pprof", false, "serve: also serve /debug/pprof on the metrics listener (UNIONHUB_METRICS_ADDR), never on the API's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cmd == "fakewechat" {
		return runFakeWeChat(ctx, *fakeAddr, e)
	}
	cfg, err := config.Load(*configPath, e.lookup)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	// The log is buffered (one write per batch of lines, not per request's
	// access-log line) and written out before run returns, on every path.
	lw := logbuf.New(e.stderr, 0, 0)
	defer lw.Close()
	log := newLogger(lw, cfg.LogLevel)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, e, serveOptions{pprof: *withPprof})
	case "migrate":
		return migrateCmd(ctx, cfg, log)
	case "bootstrap":
		return bootstrapCmd(ctx, cfg, log, *rootName, *rootRegion, e)
	case "seed-demo":
		return seedDemoCmd(ctx, cfg, log, e)
	case "audit":
		if sub == "" {
			sub = fs.Arg(0)
		}
		return auditCmd(ctx, cfg, log, sub, *savedHead, e)
	case "help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	default:
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
