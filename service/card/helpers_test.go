package card_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/card"
	"github.com/unionhub/unionhub/service/pii"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// fixture is a card service over a fresh database with one union and
// members in it.
type fixture struct {
	t      testing.TB
	db     *gorm.DB
	clock  *cachetest.Clock
	cache  cache.Cache
	svc    *card.Service
	ring   card.Keys
	cipher *pii.Cipher
	union  *model.Org
	// verifier is a verifier bound at the union.
	verifier access.Scope
	n        int
}

func seedSpec(t testing.TB, kids ...string) string {
	t.Helper()
	spec := ""
	for i, kid := range kids {
		seed := make([]byte, 32)
		_, _ = rand.Read(seed)
		if i > 0 {
			spec += ","
		}
		spec += kid + ":" + base64.StdEncoding.EncodeToString(seed)
	}
	return spec
}

func newFixture(t testing.TB, b modeltest.Backend) *fixture {
	t.Helper()
	db := modeltest.Open(t, b)
	clk := cachetest.NewClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	keys, err := card.ParseKeys(seedSpec(t, "k1"), "k1")
	if err != nil {
		t.Fatal(err)
	}
	c := cache.NewMemory(clk.Now)
	t.Cleanup(func() { _ = c.Close() })
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cipher, err := pii.New(pii.Keys{ActiveKeyID: "t1", EncKeys: map[string][]byte{"t1": randomBytes(32)},
		IndexKey: randomBytes(32)})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := card.New(service.Env{Now: clk.Now, Location: loc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, card.Deps{DB: db, Cache: c, Keys: keys, PII: cipher}, card.Config{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, clock: clk, cache: c, svc: svc, ring: keys, cipher: cipher}
	f.union = f.org(nil, "武汉光谷制造有限公司工会")
	f.verifier = access.Scope{UserID: model.NewID(), Bindings: []access.Binding{{ID: 1, OrgID: f.union.ID,
		OrgPath: f.union.Path, Role: access.Verifier}}}
	return f
}

// org creates an org under parent (a root when nil).
func (f *fixture) org(parent *model.Org, name string) *model.Org {
	f.t.Helper()
	id := model.NewID()
	o := &model.Org{ID: id, Path: model.RootPath(id), Type: model.OrgGrassroots, Name: name, RegionCode: "420106",
		Status: model.OrgActive, Version: 1}
	if parent != nil {
		o.ParentID, o.Path, o.Depth = &parent.ID, parent.ChildPath(id), parent.Depth+1
	}
	if err := model.NewOrgStore(f.db).Create(context.Background(), o); err != nil {
		f.t.Fatal(err)
	}
	return o
}

// member puts a new member of union on the roll, linked to a new user.
func (f *fixture) member(union *model.Org) *model.Member {
	f.t.Helper()
	f.n++
	uid := model.NewID()
	idx := fmt.Sprintf("idx-%d", f.n)
	male, birth := "male", "1985-05-05"
	m := &model.Member{ID: model.NewID(), MemberNo: fmt.Sprintf("42010600%06d", f.n), UserID: &uid,
		OrgID: union.ID, Status: model.MemberActive, Person: model.Person{Name: "张三丰", IDType: "resident_id", Gender: &male, BirthDate: &birth},
		IDNumberEnc: "x", IDNumberIdx: idx, RollKey: &idx, JoinedOn: "2026-01-05", CardVersion: 1, Version: 1}
	if err := model.NewMemberStore(f.db).Create(context.Background(), m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

// setStatus changes a member's status in the table and tells the card
// service, as the member-management code does.
func (f *fixture) setStatus(m *model.Member, status string) {
	f.t.Helper()
	if err := f.db.Model(&model.Member{}).Where("id = ?", m.ID).Update("status", status).Error; err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.Invalidate(context.Background(), m.ID); err != nil {
		f.t.Fatal(err)
	}
}

// token returns a fresh card token of m's user.
func (f *fixture) token(m *model.Member) string {
	f.t.Helper()
	c, err := f.svc.MyCard(context.Background(), *m.UserID)
	if err != nil {
		f.t.Fatal(err)
	}
	if c.QR == nil {
		f.t.Fatal("no QR token")
	}
	return c.QR.Token
}
