// Package stats keeps the monitoring counters (org_stats) and serves the
// overview built from them. Every counter row holds an org's whole
// subtree, so each change updates the member's union and each ancestor in
// the change's own transaction (the tree is a few levels deep), and an
// overview reads a handful of rows whatever the member count. The orgs
// nearest the root (depth ≤ 1) keep their rows split into buckets chosen
// by the member (or application, or org) id and summed on read, so one
// hot row does not serialise a province. Rows are written in one fixed
// order (see model.StatsStore.Add), so concurrent changes cannot deadlock
// on them.
package stats

import (
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/calendar"
)

// DefaultBuckets is how many rows an org near the root keeps per counter.
const DefaultBuckets = 8

// hotDepth: orgs at this depth or above (the root is 0) use buckets.
const hotDepth = 1

// Deps are the service's collaborators and tuning.
type Deps struct {
	DB *gorm.DB
	// Cache holds overviews briefly; nil caches nothing.
	Cache cache.Cache
	// Calendar counts working days (time to decision, ageing); nil is
	// calendar.Default().
	Calendar *calendar.Calendar
	// Buckets per hot org; 0 means DefaultBuckets. Changing it later is
	// safe: reads sum whatever buckets exist.
	Buckets int
	// CacheTTL is how long an overview is cached; 0 means 30 s.
	CacheTTL time.Duration
}

// Service keeps and reads the counters. Its clock gives the month a flow
// counts in, its time zone the months.
type Service struct {
	db       *gorm.DB
	cache    cache.Cache
	calendar *calendar.Calendar
	buckets  int
	cacheTTL time.Duration
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger

	stats *model.StatsStore
	orgs  *model.OrgStore
}

// New returns the stats service.
func New(env service.Env, d Deps) *Service {
	env = env.WithDefaults()
	if d.Buckets <= 0 {
		d.Buckets = DefaultBuckets
	}
	if d.Calendar == nil {
		d.Calendar = calendar.Default()
	}
	if d.CacheTTL == 0 {
		d.CacheTTL = 30 * time.Second
	}
	return &Service{db: d.DB, cache: d.Cache, calendar: d.Calendar, buckets: d.Buckets, cacheTTL: d.CacheTTL,
		now: env.Now, loc: env.Location, log: env.Log, stats: model.NewStatsStore(d.DB), orgs: model.NewOrgStore(d.DB)}
}

// Delta is a change of counters. Applied at an org, it changes the org
// and each of its ancestors alike.
type Delta struct {
	// Members on the roll (active, retained, suspended), and among them.
	Total, Active, Female, Migrant, Dispatched, Floating int64
	// Pending counts submitted applications.
	Pending int64
	// Grassroots counts active grassroots unions; Workers sums their
	// worker_count.
	Grassroots, Workers int64
	// The month's flows: onto and off the roll of the subtree (transfers
	// included), approvals and rejections.
	Joined, Left, Approved, Rejected int64
}

func (d Delta) plus(o Delta) Delta {
	return Delta{Total: d.Total + o.Total, Active: d.Active + o.Active, Female: d.Female + o.Female,
		Migrant: d.Migrant + o.Migrant, Dispatched: d.Dispatched + o.Dispatched, Floating: d.Floating + o.Floating,
		Pending: d.Pending + o.Pending, Grassroots: d.Grassroots + o.Grassroots, Workers: d.Workers + o.Workers,
		Joined: d.Joined + o.Joined, Left: d.Left + o.Left, Approved: d.Approved + o.Approved, Rejected: d.Rejected + o.Rejected}
}

func (d Delta) times(k int64) Delta {
	return Delta{Total: d.Total * k, Active: d.Active * k, Female: d.Female * k, Migrant: d.Migrant * k,
		Dispatched: d.Dispatched * k, Floating: d.Floating * k, Pending: d.Pending * k, Grassroots: d.Grassroots * k,
		Workers: d.Workers * k, Joined: d.Joined * k, Left: d.Left * k, Approved: d.Approved * k, Rejected: d.Rejected * k}
}

func (d Delta) stateZero() bool {
	return d.Total == 0 && d.Active == 0 && d.Female == 0 && d.Migrant == 0 && d.Dispatched == 0 &&
		d.Floating == 0 && d.Pending == 0 && d.Grassroots == 0 && d.Workers == 0
}

func (d Delta) flowZero() bool {
	return d.Joined == 0 && d.Left == 0 && d.Approved == 0 && d.Rejected == 0
}

// IsZero reports whether d changes nothing.
func (d Delta) IsZero() bool { return d.stateZero() && d.flowZero() }

func (s *Service) month(at time.Time) string { return at.In(s.loc).Format("2006-01") }
