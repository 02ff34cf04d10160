package stats

import (
	"cmp"
	"context"
	"slices"

	"github.com/unionhub/unionhub/model"
)

// The membership events the monthly flows are recounted from (written by
// the application and membership services): a join enters the roll of
// to_org_id's chain; a leave, removal or death leaves from_org_id's; a
// transfer (its transfer_in event, with from_org_id and to_org_id; the
// matching transfer_out is not counted twice) enters the new chain and
// leaves the old one, except at the orgs both chains share.
const (
	eventJoin     = "join"
	eventTransfer = "transfer_in"
)

var leaveEvents = []string{"leave", "remove", "death"}

// Drift is a difference between the counters and a fresh recount.
type Drift struct {
	OrgID int64
	// Month is empty for the current counters and YYYY-MM for a month's
	// flows.
	Month string
	// Fields maps each column that differs to its counter and recount.
	Fields map[string]Pair
}

// Pair is a counter and its recount.
type Pair struct{ Counter, Recount int64 }

// Reconcile recounts every counter from the source tables (members on the
// roll, submitted and decided applications, orgs, membership events) and
// returns where the counters differ, by org id and month. It reads whole
// tables: an operator's tool, not a request path.
func (s *Service) Reconcile(ctx context.Context) ([]Drift, error) {
	wantState, wantMonths, err := s.recount(ctx)
	if err != nil {
		return nil, err
	}
	gotState, err := s.stats.SumAll(ctx)
	if err != nil {
		return nil, err
	}
	gotMonths, err := s.stats.SumAllMonths(ctx)
	if err != nil {
		return nil, err
	}
	var drifts []Drift
	seen := map[int64]bool{}
	for _, got := range gotState {
		seen[got.OrgID] = true
		want := wantState[got.OrgID]
		if want == nil {
			want = &model.OrgStat{}
		}
		drifts = appendDrift(drifts, got.OrgID, "", stateFields(got), stateFields(*want))
	}
	for id, want := range wantState {
		if !seen[id] {
			drifts = appendDrift(drifts, id, "", stateFields(model.OrgStat{}), stateFields(*want))
		}
	}
	seenM := map[monthKey]bool{}
	for _, got := range gotMonths {
		k := monthKey{got.OrgID, got.Month}
		seenM[k] = true
		want := wantMonths[k]
		if want == nil {
			want = &model.OrgStatMonth{}
		}
		drifts = appendDrift(drifts, got.OrgID, got.Month, monthFields(got), monthFields(*want))
	}
	for k, want := range wantMonths {
		if !seenM[k] {
			drifts = appendDrift(drifts, k.org, k.month, monthFields(model.OrgStatMonth{}), monthFields(*want))
		}
	}
	slices.SortFunc(drifts, func(a, b Drift) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.Month, b.Month))
	})
	return drifts, nil
}

// Fix adds each drift's difference to bucket 0 of its rows, in one
// transaction, so the counters match the recount. Changes committed
// between the recount and the fix are not seen by it: run it when writes
// are quiet, and reconcile again to confirm.
func (s *Service) Fix(ctx context.Context, drifts []Drift) error {
	var rows []model.OrgStat
	var months []model.OrgStatMonth
	for _, d := range drifts {
		diff := func(col string) int64 { p := d.Fields[col]; return p.Recount - p.Counter }
		if d.Month == "" {
			rows = append(rows, model.OrgStat{OrgID: d.OrgID, MembersTotal: diff("members_total"),
				Active: diff("active"), Female: diff("female"), MigrantWorkers: diff("migrant_workers"),
				Dispatched: diff("dispatched"), Floating: diff("floating"), Pending: diff("pending"),
				GrassrootsUnions: diff("grassroots_unions"), WorkersTotal: diff("workers_total")})
			continue
		}
		months = append(months, model.OrgStatMonth{OrgID: d.OrgID, Month: d.Month, Joined: diff("joined"),
			LeftCount: diff("left"), Approved: diff("approved"), Rejected: diff("rejected")})
	}
	if len(rows) == 0 && len(months) == 0 {
		return nil
	}
	return model.InTx(ctx, s.db, func(ctx context.Context) error { return s.stats.Add(ctx, rows, months) })
}

type monthKey struct {
	org   int64
	month string
}

// recount builds every org's counters from the source tables, each
// union's numbers added along its chain.
func (s *Service) recount(ctx context.Context) (map[int64]*model.OrgStat, map[monthKey]*model.OrgStatMonth, error) {
	orgs, err := s.stats.AllOrgs(ctx)
	if err != nil {
		return nil, nil, err
	}
	chains := make(map[int64][]int64, len(orgs))
	state := map[int64]*model.OrgStat{}
	months := map[monthKey]*model.OrgStatMonth{}
	for _, o := range orgs {
		chains[o.ID] = o.AncestorIDs()
	}
	add := func(orgID int64, f func(r *model.OrgStat)) {
		for _, id := range chains[orgID] {
			r := state[id]
			if r == nil {
				r = &model.OrgStat{OrgID: id}
				state[id] = r
			}
			f(r)
		}
	}
	addMonth := func(ids []int64, month string, f func(r *model.OrgStatMonth)) {
		for _, id := range ids {
			k := monthKey{id, month}
			r := months[k]
			if r == nil {
				r = &model.OrgStatMonth{OrgID: id, Month: month}
				months[k] = r
			}
			f(r)
		}
	}
	for _, o := range orgs {
		if d := orgDelta(&o); !d.IsZero() {
			add(o.ID, func(r *model.OrgStat) { r.GrassrootsUnions++; r.WorkersTotal += d.Workers })
		}
	}
	roll, err := s.stats.CountRoll(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range roll {
		add(c.OrgID, func(r *model.OrgStat) {
			r.MembersTotal += c.Total
			r.Active += c.Active
			r.Female += c.Female
			r.MigrantWorkers += c.Migrant
			r.Dispatched += c.Dispatched
			r.Floating += c.Floating
		})
	}
	pending, err := s.stats.CountPending(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range pending {
		add(c.OrgID, func(r *model.OrgStat) { r.Pending += c.N })
	}
	err = s.stats.EachDecision(ctx, []string{model.AppApproved, model.AppRejected}, func(a model.DecidedApplication) error {
		approved := a.Status == model.AppApproved
		addMonth(chains[a.OrgID], s.month(a.ReviewedAt), func(r *model.OrgStatMonth) {
			if approved {
				r.Approved++
			} else {
				r.Rejected++
			}
		})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	types := append([]string{eventJoin, eventTransfer}, leaveEvents...)
	err = s.stats.EachEvent(ctx, types, func(e model.MembershipEvent) error {
		month := s.month(e.CreatedAt)
		var from, to []int64
		if e.FromOrgID != nil && e.Type != eventJoin {
			from = chains[*e.FromOrgID]
		}
		if e.ToOrgID != nil && (e.Type == eventJoin || e.Type == eventTransfer) {
			to = chains[*e.ToOrgID]
		}
		common := 0
		for common < len(from) && common < len(to) && from[common] == to[common] {
			common++
		}
		addMonth(to[common:], month, func(r *model.OrgStatMonth) { r.Joined++ })
		addMonth(from[common:], month, func(r *model.OrgStatMonth) { r.LeftCount++ })
		return nil
	})
	return state, months, err
}

func stateFields(r model.OrgStat) map[string]int64 {
	return map[string]int64{"members_total": r.MembersTotal, "active": r.Active, "female": r.Female,
		"migrant_workers": r.MigrantWorkers, "dispatched": r.Dispatched, "floating": r.Floating,
		"pending": r.Pending, "grassroots_unions": r.GrassrootsUnions, "workers_total": r.WorkersTotal}
}

func monthFields(r model.OrgStatMonth) map[string]int64 {
	return map[string]int64{"joined": r.Joined, "left": r.LeftCount, "approved": r.Approved, "rejected": r.Rejected}
}

func appendDrift(out []Drift, org int64, month string, got, want map[string]int64) []Drift {
	var fields map[string]Pair
	for col, g := range got {
		if w := want[col]; w != g {
			if fields == nil {
				fields = map[string]Pair{}
			}
			fields[col] = Pair{Counter: g, Recount: w}
		}
	}
	if fields == nil {
		return out
	}
	return append(out, Drift{OrgID: org, Month: month, Fields: fields})
}
