package stats

import (
	"context"
	"time"

	"github.com/unionhub/unionhub/model"
)

// Batch gathers the counter changes of one transaction so that Write
// locks every row they touch in one pass, in the one global order. Several
// changes in one transaction must go through one Batch: two separate
// writes would lock two ascending runs, which can cross another
// transaction's run and deadlock. A Batch is not safe for concurrent use.
type Batch struct {
	s    *Service
	rows map[rowKey]Delta
	orgs map[int64]*model.Org
}

type rowKey struct {
	org    int64
	bucket int
	month  string
}

// Batch returns an empty batch.
func (s *Service) Batch() *Batch {
	return &Batch{s: s, rows: map[rowKey]Delta{}, orgs: map[int64]*model.Org{}}
}

// Apply adds d at orgID and each of its ancestors; bucketKey picks the
// bucket of the orgs that have several (a member, application or org id),
// at the month flows count in.
func (b *Batch) Apply(ctx context.Context, orgID, bucketKey int64, d Delta, at time.Time) error {
	if d.IsZero() {
		return nil
	}
	o, err := b.org(ctx, orgID)
	if err != nil {
		return err
	}
	month := b.s.month(at)
	for depth, id := range o.AncestorIDs() {
		b.put(id, depth, bucketKey, month, d)
	}
	return nil
}

// Member adds the change of one member record; see MemberChanged.
func (b *Batch) Member(ctx context.Context, before, after *model.Member) error {
	inBefore, inAfter := onRoll(before), onRoll(after)
	if !inBefore && !inAfter {
		return nil
	}
	var was, is []int64
	key := int64(0)
	if inBefore {
		o, err := b.org(ctx, before.OrgID)
		if err != nil {
			return err
		}
		was, key = o.AncestorIDs(), before.ID
	}
	if inAfter {
		o, err := b.org(ctx, after.OrgID)
		if err != nil {
			return err
		}
		is, key = o.AncestorIDs(), after.ID
	}
	month := b.s.month(b.s.now())
	for depth := 0; depth < max(len(was), len(is)); depth++ {
		// Paths share their prefix, so an org's depth is the same in both.
		onWas := depth < len(was)
		onIs := depth < len(is)
		if onWas && onIs && was[depth] != is[depth] {
			b.put(was[depth], depth, key, month, MemberDelta(before, -1))
			b.put(is[depth], depth, key, month, MemberDelta(after, 1))
			continue
		}
		switch {
		case onWas && onIs: // on the roll of this subtree before and after
			b.put(is[depth], depth, key, month, stateOf(after).plus(stateOf(before).times(-1)))
		case onWas:
			b.put(was[depth], depth, key, month, MemberDelta(before, -1))
		default:
			b.put(is[depth], depth, key, month, MemberDelta(after, 1))
		}
	}
	return nil
}

// Write applies the batch in the caller's transaction (or in one of its
// own) and empties it.
func (b *Batch) Write(ctx context.Context) error {
	var rows []model.OrgStat
	var months []model.OrgStatMonth
	state := map[[2]int64]*model.OrgStat{}
	for k, d := range b.rows {
		if !d.stateZero() {
			sk := [2]int64{k.org, int64(k.bucket)}
			r := state[sk]
			if r == nil {
				r = &model.OrgStat{OrgID: k.org, Bucket: k.bucket}
				state[sk] = r
			}
			r.MembersTotal += d.Total
			r.Active += d.Active
			r.Female += d.Female
			r.MigrantWorkers += d.Migrant
			r.Dispatched += d.Dispatched
			r.Floating += d.Floating
			r.Pending += d.Pending
			r.GrassrootsUnions += d.Grassroots
			r.WorkersTotal += d.Workers
		}
		if !d.flowZero() {
			months = append(months, model.OrgStatMonth{OrgID: k.org, Month: k.month, Bucket: k.bucket,
				Joined: d.Joined, LeftCount: d.Left, Approved: d.Approved, Rejected: d.Rejected})
		}
	}
	for _, r := range state {
		rows = append(rows, *r)
	}
	b.rows = map[rowKey]Delta{}
	if len(rows) == 0 && len(months) == 0 {
		return nil
	}
	return model.InTx(ctx, b.s.db, func(ctx context.Context) error { return b.s.stats.Add(ctx, rows, months) })
}

func (b *Batch) put(orgID int64, depth int, key int64, month string, d Delta) {
	if d.IsZero() {
		return
	}
	k := rowKey{org: orgID, bucket: b.s.bucket(depth, key), month: month}
	b.rows[k] = b.rows[k].plus(d)
}

func (b *Batch) org(ctx context.Context, id int64) (*model.Org, error) {
	if o, ok := b.orgs[id]; ok {
		return o, nil
	}
	o, err := b.s.orgs.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	b.orgs[id] = o
	return o, nil
}

// bucket picks the row of an org at depth for key.
func (s *Service) bucket(depth int, key int64) int {
	if depth > hotDepth || s.buckets <= 1 {
		return 0
	}
	return int(uint64(key) % uint64(s.buckets))
}

func onRoll(m *model.Member) bool {
	if m == nil {
		return false
	}
	for _, st := range model.OnRollStatuses {
		if m.Status == st {
			return true
		}
	}
	return false
}
