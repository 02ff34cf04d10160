package membership

import (
	"context"
	"errors"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/org"
)

// unions returns the dissolving union and the destination; errTargetGone
// when the destination no longer takes members.
func (r *dissolveRun) unions(ctx context.Context) (from, to *model.Org, err error) {
	if from, err = r.d.members.orgs.Get(ctx, r.job.OrgID); err != nil {
		return nil, nil, err
	}
	if to, err = r.d.members.orgs.Get(ctx, r.payload.To); err != nil {
		return nil, nil, err
	}
	if to.Type != model.OrgGrassroots || to.Status != model.OrgActive {
		return nil, nil, errTargetGone
	}
	return from, to, nil
}

// moveBatch moves one batch of members on the roll to the destination, as
// an approved transfer would move each: same member number and history,
// 转出 and 转入 events, both chains' counters (one pass for the batch), a
// pending transfer of the member following it, the member told.
func (r *dissolveRun) moveBatch(ctx context.Context, next *org.DissolveProgress) error {
	from, to, err := r.unions(ctx)
	if err != nil {
		return err
	}
	s := r.d.members
	ms, err := s.members.OnRollBatch(ctx, from.ID, r.d.cfg.BatchSize)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return errNothing
	}
	now, actor := s.now().UTC(), r.job.CreatedBy
	reason := "原工会（" + from.Name + "）撤销，会籍整体转入" + to.Name
	before, after := make([]*model.Member, len(ms)), make([]*model.Member, len(ms))
	events := make([]model.MembershipEvent, 0, 2*len(ms))
	ids := make([]int64, len(ms))
	for i := range ms {
		m := &ms[i]
		if err := s.members.Update(ctx, m.ID, m.Version, map[string]any{"org_id": to.ID, "updated_at": now}); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale // changed meanwhile: the batch is tried again
			}
			return err
		}
		a := *m
		a.OrgID, a.Version, a.UpdatedAt = to.ID, m.Version+1, now
		before[i], after[i], ids[i] = m, &a, m.ID
		for _, typ := range []string{"transfer_out", "transfer_in"} {
			ev := model.MembershipEvent{ID: model.NewID(), MemberID: m.ID, Type: typ, Reason: &reason,
				FromOrgID: &from.ID, ToOrgID: &to.ID, ActorID: &actor, CreatedAt: now}
			if code, ok := codes.NationalChangeType(typ); ok {
				ev.NationalCode = &code
			}
			events = append(events, ev)
		}
	}
	if err := s.members.AddEvents(ctx, events); err != nil {
		return err
	}
	if _, err := s.transfers.FollowMembers(ctx, ids, to.ID, actor, "原工会撤销，会籍已整体转入该工会", now); err != nil {
		return err
	}
	if err := r.d.stats.MembersChanged(ctx, before, after); err != nil {
		return err
	}
	for i, m := range ms {
		if m.UserID == nil {
			continue
		}
		if err := s.notify(ctx, movedNotice(&m, from, to, events[2*i+1].ID)); err != nil {
			return err
		}
	}
	next.Moved += int64(len(ms))
	if err := r.saveProgress(ctx, *next); err != nil {
		return err
	}
	for _, id := range ids {
		s.invalidate(ctx, id) // once the step commits
	}
	memberIDs := make([]string, len(ids))
	for i, id := range ids {
		memberIDs[i] = itoa(id)
	}
	return s.record(ctx, audit.Entry{ActorID: actor, OrgID: from.ID, Action: "org.dissolve_move",
		Target: "org:" + itoa(from.ID), Detail: map[string]any{"job_id": itoa(r.job.ID), "members_to": itoa(to.ID),
			"member_ids": memberIDs}})
}

// movedNotice tells a member linked to a user that the union was dissolved
// and the membership moved (API.md §10 transparency: kind record_changed,
// the fields changed and the 转入 event).
func movedNotice(m *model.Member, from, to *model.Org, eventID int64) application.Notice {
	return application.Notice{UserID: *m.UserID, Kind: "record_changed", Title: "会籍已转入新工会",
		Body: "您所在的" + from.Name + "已撤销，您的会籍已转入" + to.Name + "，会员编号和会籍记录不变。",
		Data: map[string]any{"member_id": itoa(m.ID), "event_id": itoa(eventID), "fields": []string{"org_id"},
			"from_org_id": itoa(from.ID), "to_org_id": itoa(to.ID)}}
}

// closeApplication rejects one submitted application to the dissolving
// union, naming the destination, so the applicant can apply there.
func (r *dissolveRun) closeApplication(ctx context.Context, next *org.DissolveProgress) error {
	from, to, err := r.unions(ctx)
	if err != nil {
		return err
	}
	next.Applications++
	if err := r.saveProgress(ctx, *next); err != nil { // before the audit row, the last write
		return err
	}
	reason := "该工会已撤销，会员已整体转入" + to.Name + "，请重新选择工会申请入会"
	did, err := r.d.apps.CloseForDissolution(ctx, from, r.job.CreatedBy, reason)
	if err == nil && !did {
		return errNothing
	}
	return err
}

// rejectTransferIn rejects one pending transfer into the dissolving union
// and tells the member, who stays where they are.
func (r *dissolveRun) rejectTransferIn(ctx context.Context, next *org.DissolveProgress) error {
	s := r.d.members
	from, err := s.orgs.Get(ctx, r.job.OrgID)
	if err != nil {
		return err
	}
	rows, err := s.transfers.ListForDestination(ctx, []string{from.Path}, from.ID, model.TransferPending, model.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errNothing
	}
	t := &rows[0]
	const reason = "该工会已撤销，不再接收转入"
	now := s.now().UTC()
	if err := s.transfers.Decide(ctx, t.ID, t.Version, map[string]any{"status": model.TransferRejected,
		"decided_by": r.job.CreatedBy, "decided_at": now, "updated_at": now, "decision_reason": reason}); err != nil {
		return err
	}
	if err := s.tellTransfer(ctx, t, false, reason); err != nil {
		return err
	}
	next.Transfers++
	if err := r.saveProgress(ctx, *next); err != nil {
		return err
	}
	return s.record(ctx, audit.Entry{ActorID: r.job.CreatedBy, OrgID: from.ID, Action: "transfer.reject",
		Target: "transfer:" + itoa(t.ID), Detail: map[string]any{"member_id": itoa(t.MemberID), "reason": reason}})
}
