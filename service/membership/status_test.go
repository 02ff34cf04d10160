package membership_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/membership"
	"github.com/unionhub/unionhub/service/pii/piitest"
)

// invalidations records the card invalidations the service asks for.
type invalidations struct {
	mu  sync.Mutex
	ids []int64
}

func (c *invalidations) Invalidate(_ context.Context, memberID int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids = append(c.ids, memberID)
	return nil
}

// newService builds the service under test: the one place that knows its
// constructor.
func newService(t *testing.T, db *gorm.DB, cards membership.CardInvalidator) *membership.Service {
	t.Helper()
	cipher := piitest.Cipher(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	return membership.New(service.Env{Now: func() time.Time { return now }}, membership.Deps{DB: db, PII: cipher, Cards: cards})
}

// union creates a grassroots union and returns it with a chair's scope.
func union(t *testing.T, db *gorm.DB) (*model.Org, access.Scope) {
	t.Helper()
	id := model.NewID()
	now := time.Now().UTC()
	o := &model.Org{ID: id, Path: "/" + strconv.FormatInt(id, 10) + "/", Type: model.OrgGrassroots, Name: "测试工会",
		RegionCode: "420106", Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := model.NewOrgStore(db).Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o, access.Scope{UserID: 1, Bindings: []access.Binding{{ID: 1, OrgID: o.ID, OrgPath: o.Path,
		OrgType: o.Type, Role: access.UnionChair}}}
}

// member puts a member with status in union o.
func member(t *testing.T, db *gorm.DB, o *model.Org, status string) *model.Member {
	t.Helper()
	id := model.NewID()
	idx := "idx-" + strconv.FormatInt(id, 10)
	gender, birth := "male", "1990-03-07"
	m := &model.Member{ID: id, MemberNo: "420106" + strconv.FormatInt(id%100_000_000, 10), OrgID: o.ID, Status: status,
		Person: model.Person{Name: "张三", IDType: "resident", Gender: &gender, BirthDate: &birth}, IDNumberEnc: "x", IDNumberIdx: idx,
		JoinedOn: "2026-01-01", CardVersion: 1, Version: 1, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	for _, st := range model.OnRollStatuses {
		if st == status {
			m.RollKey = &idx
		}
	}
	if err := model.NewMemberStore(db).Create(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestChangeStatus: the moves among the statuses on the roll and off it
// (final), those refused, and what an allowed move writes: the status, the
// version, the roll key, the history event, and the card invalidated once
// the move commits (never for a refused one).
func TestChangeStatus(t *testing.T) {
	version := func(v int) *int { return &v }
	cases := []struct {
		name      string
		from, to  string
		reason    string
		version   *int // nil: the member's
		otherOrg  bool // the member is outside the caller's scope
		wantKind  service.Kind
		wantField string
		wantEvent string
	}{
		{name: "active to retained", from: model.MemberActive, to: model.MemberRetained, wantEvent: "retain"},
		{name: "active to suspended", from: model.MemberActive, to: model.MemberSuspended, wantEvent: "suspend"},
		{name: "suspended back to active", from: model.MemberSuspended, to: model.MemberActive, wantEvent: "restore"},
		{name: "retained to left", from: model.MemberRetained, to: model.MemberLeft, wantEvent: "leave"},
		{name: "active to removed", from: model.MemberActive, to: model.MemberRemoved, wantEvent: "remove"},
		{name: "suspended to deceased", from: model.MemberSuspended, to: model.MemberDeceased, wantEvent: "death"},
		{name: "same status", from: model.MemberActive, to: model.MemberActive, wantKind: service.KindConflict},
		{name: "left is final", from: model.MemberLeft, to: model.MemberActive, wantKind: service.KindConflict},
		{name: "deceased is final", from: model.MemberDeceased, to: model.MemberRetained, wantKind: service.KindConflict},
		{name: "removed is final", from: model.MemberRemoved, to: model.MemberLeft, wantKind: service.KindConflict},
		{name: "unknown status", from: model.MemberActive, to: "gone", wantKind: service.KindInvalid, wantField: "status"},
		{name: "no reason", from: model.MemberActive, to: model.MemberSuspended, reason: " ", wantKind: service.KindInvalid, wantField: "reason"},
		{name: "stale version", from: model.MemberActive, to: model.MemberSuspended, version: version(7), wantKind: service.KindConflict},
		{name: "outside the scope", from: model.MemberActive, to: model.MemberSuspended, otherOrg: true, wantKind: service.KindNotFound},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		cards := &invalidations{}
		svc := newService(t, db, cards)
		mine, sc := union(t, db)
		other, _ := union(t, db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				at := mine
				if tc.otherOrg {
					at = other
				}
				m := member(t, db, at, tc.from)
				v := tc.version
				if v == nil {
					v = &m.Version
				}
				reason := tc.reason
				if reason == "" {
					reason = "会员本人申请"
				}
				cards.mu.Lock()
				cards.ids = nil
				cards.mu.Unlock()
				out, err := svc.ChangeStatus(context.Background(), sc, m.ID, membership.StatusChange{Status: tc.to, Reason: reason, Version: v})
				stored, gerr := model.NewMemberStore(db).Get(context.Background(), m.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				var events []string
				if err := db.Model(&model.MembershipEvent{}).Where("member_id = ?", m.ID).Pluck("type", &events).Error; err != nil {
					t.Fatal(err)
				}
				if tc.wantEvent == "" {
					wantErr(t, err, tc.wantKind, tc.wantField)
					if stored.Status != tc.from || stored.Version != m.Version || len(events) != 0 || len(cards.ids) != 0 {
						t.Errorf("refused, yet: status %s, version %d, events %v, invalidations %v", stored.Status, stored.Version, events, cards.ids)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if out.Status != tc.to || stored.Status != tc.to || stored.Version != m.Version+1 || out.Version != stored.Version {
					t.Errorf("moved: returned %s v%d, stored %s v%d; want %s v%d", out.Status, out.Version, stored.Status, stored.Version, tc.to, m.Version+1)
				}
				onRoll := tc.to == model.MemberActive || tc.to == model.MemberRetained || tc.to == model.MemberSuspended
				if (stored.RollKey != nil) != onRoll {
					t.Errorf("roll key %v after a move to %s", stored.RollKey, tc.to)
				}
				if len(events) != 1 || events[0] != tc.wantEvent {
					t.Errorf("events %v, want [%s]", events, tc.wantEvent)
				}
				if len(cards.ids) != 1 || cards.ids[0] != m.ID {
					t.Errorf("card invalidations %v, want [%d]", cards.ids, m.ID)
				}
			})
		}
	})
}
