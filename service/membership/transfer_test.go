package membership_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
)

// openUnion creates a grassroots union that takes transfers (or typ, in
// status) and returns it with a chair's scope.
func openUnion(t *testing.T, db *gorm.DB, typ, status string) (*model.Org, access.Scope) {
	t.Helper()
	id := model.NewID()
	now := time.Now().UTC()
	o := &model.Org{ID: id, Path: "/" + strconv.FormatInt(id, 10) + "/", Type: typ, Name: "转入工会",
		RegionCode: "420106", AcceptsApplications: true, Status: status, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := model.NewOrgStore(db).Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o, access.Scope{UserID: 2, Bindings: []access.Binding{{ID: 2, OrgID: o.ID, OrgPath: o.Path,
		OrgType: o.Type, Role: access.UnionChair}}}
}

// userMember puts a member with status in union o, linked to a new user.
func userMember(t *testing.T, db *gorm.DB, o *model.Org, status string) (int64, *model.Member) {
	t.Helper()
	m := member(t, db, o, status)
	userID := model.NewID()
	if err := db.Model(&model.Member{}).Where("id = ?", m.ID).Update("user_id", userID).Error; err != nil {
		t.Fatal(err)
	}
	m.UserID = &userID
	return userID, m
}

// wantErr fails t unless err is a domain error of kind and, when field is
// given, names that one field.
func wantErr(t *testing.T, err error, kind service.Kind, field string) {
	t.Helper()
	var fields []service.FieldError
	if se := (*service.Error)(nil); errors.As(err, &se) {
		fields = se.Fields
	}
	got := service.KindOf(err)
	if err == nil || got != kind || (field != "" && (len(fields) != 1 || fields[0].Field != field)) {
		t.Fatalf("err = %v (kind %d, fields %v), want kind %d on %q", err, got, fields, kind, field)
	}
}

// TestRequestTransfer: who may ask to move, and where to. An accepted
// request is pending, from the member's union to the destination; a
// refused one writes nothing.
func TestRequestTransfer(t *testing.T) {
	cases := []struct {
		name      string
		status    string // the member's
		to        string // "open" (default), "same", "none", "federation", "closed", "dissolving", "unknown"
		reason    string
		twice     bool // a pending request exists
		wantKind  service.Kind
		wantField string
	}{
		{name: "active member", status: model.MemberActive},
		{name: "retained member", status: model.MemberRetained, reason: "工作调动"},
		{name: "suspended member", status: model.MemberSuspended, wantKind: service.KindConflict},
		{name: "member who left", status: model.MemberLeft, wantKind: service.KindNotFound},
		{name: "no destination", status: model.MemberActive, to: "none", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "own union", status: model.MemberActive, to: "same", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "federation", status: model.MemberActive, to: "federation", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "union taking nobody", status: model.MemberActive, to: "closed", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "dissolving union", status: model.MemberActive, to: "dissolving", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "unknown union", status: model.MemberActive, to: "unknown", wantKind: service.KindInvalid, wantField: "to_org_id"},
		{name: "reason of 501 characters", status: model.MemberActive, reason: strings.Repeat("调", 501), wantKind: service.KindInvalid, wantField: "reason"},
		{name: "second pending request", status: model.MemberActive, twice: true, wantKind: service.KindConflict},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc := newService(t, db, &invalidations{})
		ctx := context.Background()
		from, _ := openUnion(t, db, model.OrgGrassroots, model.OrgActive)
		open, _ := openUnion(t, db, model.OrgGrassroots, model.OrgActive)
		fed, _ := openUnion(t, db, model.OrgFederation, model.OrgActive)
		dissolving, _ := openUnion(t, db, model.OrgGrassroots, model.OrgDissolving)
		closed, _ := openUnion(t, db, model.OrgGrassroots, model.OrgActive)
		if err := db.Model(&model.Org{}).Where("id = ?", closed.ID).Update("accepts_applications", false).Error; err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				userID, m := userMember(t, db, from, tc.status)
				to := map[string]int64{"": open.ID, "same": from.ID, "none": 0, "federation": fed.ID,
					"closed": closed.ID, "dissolving": dissolving.ID, "unknown": model.NewID()}[tc.to]
				if tc.twice {
					if _, err := svc.RequestTransfer(ctx, userID, open.ID, "", nil); err != nil {
						t.Fatal(err)
					}
				}
				got, err := svc.RequestTransfer(ctx, userID, to, tc.reason, nil)
				var n int64
				if cerr := db.Model(&model.Transfer{}).Where("member_id = ?", m.ID).Count(&n).Error; cerr != nil {
					t.Fatal(cerr)
				}
				if tc.wantKind != 0 {
					wantErr(t, err, tc.wantKind, tc.wantField)
					if want := map[bool]int64{true: 1, false: 0}[tc.twice]; n != want {
						t.Errorf("%d transfers stored, want %d", n, want)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != model.TransferPending || got.MemberID != m.ID || got.FromOrgID != from.ID || got.ToOrgID != open.ID || n != 1 {
					t.Errorf("transfer = %s member %d %d→%d (%d stored), want pending %d %d→%d", got.Status, got.MemberID,
						got.FromOrgID, got.ToOrgID, n, m.ID, from.ID, open.ID)
				}
				if (tc.reason == "") != (got.Reason == nil) {
					t.Errorf("reason = %v, want %q", got.Reason, tc.reason)
				}
			})
		}
	})
}

// TestDecideTransfer: the destination's reviewer approves (the member
// moves, both rolls change, transfer_out and transfer_in are written, the
// card is invalidated) or rejects (nothing moves); out of scope, decided,
// or overtaken by the member's or the union's change is refused and
// leaves the transfer pending.
func TestDecideTransfer(t *testing.T) {
	cases := []struct {
		name      string
		approve   bool
		reason    string
		decider   string // "to" (default) or "from"
		before    func(t *testing.T, db *gorm.DB, m *model.Member, to *model.Org)
		decided   bool // decided once already
		wantKind  service.Kind
		wantField string
	}{
		{name: "approve", approve: true},
		{name: "approve with a reason", approve: true, reason: "同意转入"},
		{name: "reject", reason: "不在本单位工作"},
		{name: "reject without a reason", reason: "  ", wantKind: service.KindInvalid, wantField: "reason"},
		{name: "origin union's chair", approve: true, decider: "from", wantKind: service.KindNotFound},
		{name: "decided already", approve: true, decided: true, wantKind: service.KindConflict},
		{name: "member left meanwhile", approve: true, wantKind: service.KindConflict,
			before: func(t *testing.T, db *gorm.DB, m *model.Member, _ *model.Org) {
				if err := db.Model(&model.Member{}).Where("id = ?", m.ID).Updates(map[string]any{"status": model.MemberLeft, "roll_key": nil}).Error; err != nil {
					t.Fatal(err)
				}
			}},
		{name: "destination dissolving meanwhile", approve: true, wantKind: service.KindConflict,
			before: func(t *testing.T, db *gorm.DB, _ *model.Member, to *model.Org) {
				if err := db.Model(&model.Org{}).Where("id = ?", to.ID).Update("status", model.OrgDissolving).Error; err != nil {
					t.Fatal(err)
				}
			}},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		cards := &invalidations{}
		svc := newService(t, db, cards)
		ctx := context.Background()
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				from, fromScope := openUnion(t, db, model.OrgGrassroots, model.OrgActive)
				to, toScope := openUnion(t, db, model.OrgGrassroots, model.OrgActive)
				userID, m := userMember(t, db, from, model.MemberActive)
				tr, err := svc.RequestTransfer(ctx, userID, to.ID, "", nil)
				if err != nil {
					t.Fatal(err)
				}
				if tc.decided {
					if _, err := svc.DecideTransfer(ctx, toScope, tr.ID, false, "已处理"); err != nil {
						t.Fatal(err)
					}
				}
				if tc.before != nil {
					tc.before(t, db, m, to)
				}
				sc := toScope
				if tc.decider == "from" {
					sc = fromScope
				}
				cards.mu.Lock()
				cards.ids = nil
				cards.mu.Unlock()
				got, err := svc.DecideTransfer(ctx, sc, tr.ID, tc.approve, tc.reason)
				stored, gerr := model.NewMemberStore(db).Get(ctx, m.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				var events []string
				if err := db.Model(&model.MembershipEvent{}).Where("member_id = ?", m.ID).Order("created_at, id").Pluck("type", &events).Error; err != nil {
					t.Fatal(err)
				}
				var status string
				if err := db.Model(&model.Transfer{}).Where("id = ?", tr.ID).Pluck("status", &status).Error; err != nil {
					t.Fatal(err)
				}
				onRoll := func(o *model.Org) int64 {
					n, err := model.NewMemberStore(db).CountOnRoll(ctx, o.ID)
					if err != nil {
						t.Fatal(err)
					}
					return n
				}
				if tc.wantKind != 0 {
					wantErr(t, err, tc.wantKind, tc.wantField)
					wantStatus := model.TransferPending
					if tc.decided {
						wantStatus = model.TransferRejected
					}
					if status != wantStatus || stored.OrgID != from.ID || stored.Version != m.Version || len(events) != 0 || len(cards.ids) != 0 {
						t.Errorf("refused, yet: transfer %s, member in %d v%d, events %v, invalidations %v", status, stored.OrgID, stored.Version, events, cards.ids)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				wantStatus, wantOrg, wantEvents, wantFrom, wantTo := model.TransferRejected, from.ID, 0, int64(1), int64(0)
				if tc.approve {
					wantStatus, wantOrg, wantEvents, wantFrom, wantTo = model.TransferApproved, to.ID, 2, 0, 1
				}
				if got.Status != wantStatus || status != wantStatus {
					t.Errorf("transfer: returned %s, stored %s, want %s", got.Status, status, wantStatus)
				}
				if stored.OrgID != wantOrg || stored.MemberNo != m.MemberNo {
					t.Errorf("member in %d no %s, want in %d no %s", stored.OrgID, stored.MemberNo, wantOrg, m.MemberNo)
				}
				if len(events) != wantEvents || (tc.approve && (events[0] != "transfer_out" || events[1] != "transfer_in")) {
					t.Errorf("events %v, want %d (transfer_out, transfer_in on approval)", events, wantEvents)
				}
				if f, o := onRoll(from), onRoll(to); f != wantFrom || o != wantTo {
					t.Errorf("on the roll: from %d, to %d; want %d, %d", f, o, wantFrom, wantTo)
				}
				if wantInv := map[bool]int{true: 1, false: 0}[tc.approve]; len(cards.ids) != wantInv {
					t.Errorf("card invalidations %v, want %d", cards.ids, wantInv)
				}
			})
		}
	})
}
