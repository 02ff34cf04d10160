package stats

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
)

// Overview is an org's monitoring overview (API.md §8).
type Overview struct {
	OrgID            int64
	OrgName          string
	Members          Members
	WorkersTotal     int64
	MembershipRate   *float64 // nil without workers
	Applications     Applications
	RightsRequests   RightsRequests
	GrassrootsUnions int64
	ByChild          []Child
	Trend            []Month // the last 12 months, oldest first
}

// Members counts the members on the roll of a subtree.
type Members struct {
	Total, Active, Female, MigrantWorkers, Dispatched, Floating int64
}

// Applications counts a subtree's pending applications and this month's
// decisions; Overdue are the pending ones past their due date.
type Applications struct {
	Pending, ApprovedMonth, RejectedMonth int64
	Overdue                               int64
	// MedianDaysToDecision is the median, over this month's decisions
	// (approve, reject, return), of the working days from the latest
	// submission to the decision; nil without decisions.
	MedianDaysToDecision *float64
}

// Child is one child org's line of an overview.
type Child struct {
	OrgID          int64
	Name           string
	MembersTotal   int64
	WorkersTotal   int64
	MembershipRate *float64
	Pending        int64
	Overdue        int64
}

// Month is one month of a trend.
type Month struct {
	Month        string
	Joined, Left int64
}

// Orders of by_child.
const (
	SortMembers = "members"
	SortRate    = "rate"
	SortPending = "pending"
)

// trendMonths is how many months a trend shows.
const trendMonths = 12

var errOrgNotFound = service.E(service.KindNotFound, "没有找到该组织")

// Overview returns the overview of org orgID (0: the widest org where the
// caller may review), which must lie in the caller's scope (else
// KindNotFound, as if it did not exist). by_child is ranked by sortBy
// (members, rate or pending; "" is members), largest first. It reads a
// constant number of counter rows (plus one per child), whatever the
// member count, and is cached per org for CacheTTL.
func (s *Service) Overview(ctx context.Context, sc access.Scope, orgID int64, sortBy string) (*Overview, error) {
	switch sortBy {
	case "", SortMembers, SortRate, SortPending:
	default:
		return nil, service.E(service.KindMalformed, "参数 sort 应为 members、rate 或 pending")
	}
	paths := sc.Paths(access.Review)
	if orgID == 0 {
		orgID = widest(sc)
	}
	o, err := s.orgs.GetInScope(ctx, orgID, paths)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errOrgNotFound
	}
	if err != nil {
		return nil, err
	}
	ov, err := s.cached(ctx, o)
	if err != nil {
		return nil, err
	}
	sortChildren(ov.ByChild, sortBy)
	return ov, nil
}

// widest is the org of the caller's widest subtree for reviewing (the
// shortest path; the first binding on a tie).
func widest(sc access.Scope) int64 {
	var id int64
	best := -1
	for _, p := range sc.Paths(access.Review) {
		for _, b := range sc.BindingsFor(access.Review, p) {
			if b.OrgPath == p && (best < 0 || len(p) < best) {
				id, best = b.OrgID, len(p)
			}
		}
	}
	return id
}

// cached returns the overview from the cache, or builds and caches it. A
// cache that fails is skipped: the counters are the truth.
func (s *Service) cached(ctx context.Context, o *model.Org) (*Overview, error) {
	key := "stats:overview:" + strconv.FormatInt(o.ID, 10)
	if s.cache != nil {
		if raw, err := s.cache.Get(ctx, key); err == nil {
			var ov Overview
			if json.Unmarshal([]byte(raw), &ov) == nil {
				return &ov, nil
			}
		}
	}
	ov, err := s.build(ctx, o)
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		if raw, err := json.Marshal(ov); err == nil {
			if err := s.cache.Set(ctx, key, string(raw), s.cacheTTL); err != nil {
				s.log.WarnContext(ctx, "overview not cached", "org_id", o.ID, "err", err)
			}
		}
	}
	return ov, nil
}

// build reads the org's rows, its children's rows and its last 12 months.
func (s *Service) build(ctx context.Context, o *model.Org) (*Overview, error) {
	sum, err := s.stats.Sum(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	children, err := s.stats.Children(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	months := lastMonths(s.now().In(s.loc), trendMonths)
	flows, err := s.stats.Months(ctx, o.ID, months[0], months[len(months)-1])
	if err != nil {
		return nil, err
	}
	ov := &Overview{OrgID: o.ID, OrgName: o.Name,
		Members: Members{Total: sum.MembersTotal, Active: sum.Active, Female: sum.Female,
			MigrantWorkers: sum.MigrantWorkers, Dispatched: sum.Dispatched, Floating: sum.Floating},
		WorkersTotal: sum.WorkersTotal, MembershipRate: Rate(sum.MembersTotal, sum.WorkersTotal),
		Applications: Applications{Pending: sum.Pending}, GrassrootsUnions: sum.GrassrootsUnions,
		ByChild: make([]Child, 0, len(children)), Trend: make([]Month, len(months))}
	for _, c := range children {
		ov.ByChild = append(ov.ByChild, Child{OrgID: c.OrgID, Name: c.Name, MembersTotal: c.MembersTotal,
			WorkersTotal: c.WorkersTotal, MembershipRate: Rate(c.MembersTotal, c.WorkersTotal), Pending: c.Pending})
	}
	byMonth := map[string]model.OrgStatMonth{}
	for _, f := range flows {
		byMonth[f.Month] = f
	}
	for i, m := range months {
		f := byMonth[m]
		ov.Trend[i] = Month{Month: m, Joined: f.Joined, Left: f.LeftCount}
	}
	this := byMonth[months[len(months)-1]]
	ov.Applications.ApprovedMonth, ov.Applications.RejectedMonth = this.Approved, this.Rejected
	if err := s.rightsRequests(ctx, o, ov); err != nil {
		return nil, err
	}
	return ov, s.deadlines(ctx, o, ov)
}

// Rate is the membership rate (入会率): members on the roll over workers,
// rounded to four places; nil when there are no workers.
func Rate(members, workers int64) *float64 {
	if workers <= 0 {
		return nil
	}
	r := math.Round(float64(members)/float64(workers)*10000) / 10000
	return &r
}

// lastMonths lists the n months up to now's, oldest first (YYYY-MM).
func lastMonths(now time.Time, n int) []string {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	out := make([]string, n)
	for i := range n {
		out[i] = first.AddDate(0, i-n+1, 0).Format("2006-01")
	}
	return out
}

// sortChildren ranks children largest first; ties by name, then id.
func sortChildren(cs []Child, by string) {
	slices.SortStableFunc(cs, func(a, b Child) int {
		var c int
		switch by {
		case SortRate:
			c = cmpRate(b.MembershipRate, a.MembershipRate)
		case SortPending:
			c = cmp.Compare(b.Pending, a.Pending)
		default:
			c = cmp.Compare(b.MembersTotal, a.MembersTotal)
		}
		return cmp.Or(c, cmp.Compare(a.Name, b.Name), cmp.Compare(a.OrgID, b.OrgID))
	})
}

// cmpRate orders rates with "no rate" below every rate.
func cmpRate(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}
