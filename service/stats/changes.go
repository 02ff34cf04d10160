package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/unionhub/unionhub/model"
)

// MemberDelta is what member m adds to each org of its union's chain when
// it enters the roll (sign 1: its counts and one join this month) or
// takes away when it leaves (sign -1: minus its counts, one leave). A
// member who is not on the roll counts nothing.
func MemberDelta(m *model.Member, sign int) Delta {
	if !onRoll(m) || sign == 0 {
		return Delta{}
	}
	d := stateOf(m).times(int64(sign))
	if sign > 0 {
		d.Joined = 1
	} else {
		d.Left = 1
	}
	return d
}

// stateOf is what a member on the roll counts, without flows.
func stateOf(m *model.Member) Delta {
	if !onRoll(m) {
		return Delta{}
	}
	d := Delta{Total: 1}
	if m.Status == model.MemberActive {
		d.Active = 1
	}
	if m.Gender != nil && *m.Gender == "female" {
		d.Female = 1
	}
	if m.IsMigrantWorker {
		d.Migrant = 1
	}
	if m.IsDispatched {
		d.Dispatched = 1
	}
	if m.WorkType != nil && *m.WorkType == "floating" {
		d.Floating = 1
	}
	return d
}

// MemberChanged keeps the counters in step with one change of a member
// record, in the caller's transaction (it joins the one in ctx). before
// is the record as it was, after as it is now:
//
//   - before nil (or off the roll), after on the roll: the member joined
//     the roll of after's union: its counts are added to that union and
//     every ancestor, each counting one join this month.
//   - before on the roll, after nil (or off the roll: left, removed,
//     deceased): the member left: its counts are taken from before's
//     union and every ancestor, each counting one leave this month.
//   - both on the roll in the same union: a status move among the roll
//     statuses or a correction: only the difference (active, female,
//     migrant, dispatched, floating) changes, no flow.
//   - both on the roll in different unions: a transfer. The orgs on both
//     chains (the common ancestors) change only by the difference; the
//     old union's other ancestors lose the member (one leave), the new
//     one's gain it (one join). All rows of both chains are locked in one
//     pass, in the global order.
//   - both nil or both off the roll: nothing (no query).
//
// Call it after the member row is written and before the audit entry
// (the audit head is the last lock every transaction takes), and once per
// transaction; several changes in one transaction go through one Batch.
// It returns the store's errors (model.ErrNotFound for an unknown org).
func (s *Service) MemberChanged(ctx context.Context, before, after *model.Member) error {
	b := s.Batch()
	if err := b.Member(ctx, before, after); err != nil {
		return err
	}
	return b.Write(ctx)
}

// MembersJoined counts members that entered the roll together (an
// import's batch), in one pass: like MemberChanged(ctx, nil, m) for each,
// with every row locked once.
func (s *Service) MembersJoined(ctx context.Context, ms []*model.Member) error {
	b := s.Batch()
	for _, m := range ms {
		if err := b.Member(ctx, nil, m); err != nil {
			return err
		}
	}
	return b.Write(ctx)
}

// MembersChanged counts several member changes of one transaction
// together (a dissolution's batch of transfers): like MemberChanged for
// each before[i] → after[i], with every row locked once, in the global
// order.
func (s *Service) MembersChanged(ctx context.Context, before, after []*model.Member) error {
	if len(before) != len(after) {
		return fmt.Errorf("stats: %d records before, %d after", len(before), len(after))
	}
	b := s.Batch()
	for i := range before {
		if err := b.Member(ctx, before[i], after[i]); err != nil {
			return err
		}
	}
	return b.Write(ctx)
}

// ApplicationMoved keeps the counters in step with an application's status
// move from → to (from "" for a new one), in the caller's transaction:
// submitted counts as pending; an approval or rejection counts in this
// month's approvals or rejections. joined is the member an approval put on
// the roll (nil otherwise), counted in the same pass. o is a's union when
// the caller has it loaded (nil: it is read).
func (s *Service) ApplicationMoved(ctx context.Context, a *model.Application, o *model.Org, from, to string, joined *model.Member) error {
	d := Delta{Pending: flag(to == model.AppSubmitted) - flag(from == model.AppSubmitted),
		Approved: flag(to == model.AppApproved), Rejected: flag(to == model.AppRejected)}
	if from == to {
		d = Delta{}
	}
	b := s.Batch()
	if o != nil && o.ID == a.OrgID {
		b.orgs[o.ID] = o
	}
	if err := b.Apply(ctx, a.OrgID, a.ID, d, s.now()); err != nil {
		return err
	}
	if err := b.Member(ctx, nil, joined); err != nil {
		return err
	}
	return b.Write(ctx)
}

// ApplicationAssigned keeps the counters in step with a submitted
// application moved from org from to its current org (an intake point
// assigning it to a union), in the caller's transaction: it stops being
// pending along from's chain and becomes pending along the new one. The
// orgs both chains share add up to no change and are not written.
func (s *Service) ApplicationAssigned(ctx context.Context, a *model.Application, from int64) error {
	if a.Status != model.AppSubmitted || from == a.OrgID {
		return nil
	}
	b := s.Batch()
	now := s.now()
	if err := b.Apply(ctx, from, a.ID, Delta{Pending: -1}, now); err != nil {
		return err
	}
	if err := b.Apply(ctx, a.OrgID, a.ID, Delta{Pending: 1}, now); err != nil {
		return err
	}
	return b.Write(ctx)
}

// OrgChanged keeps the grassroots-union and worker counts in step with an
// org's creation (before nil) or edit (type, status, worker_count), in the
// caller's transaction. Orgs never move, so the chain is after's (or
// before's).
func (s *Service) OrgChanged(ctx context.Context, before, after *model.Org) error {
	o := after
	if o == nil {
		o = before
	}
	if o == nil {
		return nil
	}
	d := orgDelta(after).plus(orgDelta(before).times(-1))
	if d.IsZero() {
		return nil
	}
	b := s.Batch()
	b.orgs[o.ID] = o
	if err := b.Apply(ctx, o.ID, o.ID, d, s.now()); err != nil {
		return err
	}
	return b.Write(ctx)
}

// Apply adds d at orgID and each of its ancestors in the caller's
// transaction; bucketKey (a member, application or org id) picks the
// bucket at the orgs that have several, at the month flows count in.
func (s *Service) Apply(ctx context.Context, orgID, bucketKey int64, d Delta, at time.Time) error {
	b := s.Batch()
	if err := b.Apply(ctx, orgID, bucketKey, d, at); err != nil {
		return err
	}
	return b.Write(ctx)
}

// orgDelta is what an org counts itself: one grassroots union and its
// workers while it is an active grassroots union.
func orgDelta(o *model.Org) Delta {
	if o == nil || o.Type != model.OrgGrassroots || o.Status != model.OrgActive {
		return Delta{}
	}
	return Delta{Grassroots: 1, Workers: int64(o.WorkerCount)}
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
