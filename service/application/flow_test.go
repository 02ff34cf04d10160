package application_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/pii/piitest"
	"github.com/unionhub/unionhub/service/privacy"
)

// fixture is a federation with two grassroots unions that accept
// applications, the service on db, and a federation admin's scope (review
// and assign over both unions).
type fixture struct {
	db         *gorm.DB
	svc        *application.Service
	cipher     *pii.Cipher
	union, alt *model.Org
	admin      access.Scope
	seq        atomic.Int64
}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	cipher := piitest.Cipher(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f := &fixture{db: db, cipher: cipher,
		svc: application.New(service.Env{Now: func() time.Time { return now }}, application.Deps{DB: db, PII: cipher}, application.Config{})}
	fed := f.org(t, nil, model.OrgFederation)
	f.union, f.alt = f.org(t, fed, model.OrgGrassroots), f.org(t, fed, model.OrgGrassroots)
	f.admin = access.Scope{UserID: 1, Bindings: []access.Binding{{ID: 1, OrgID: fed.ID, OrgPath: fed.Path,
		OrgType: fed.Type, Role: access.FederationAdmin}}}
	return f
}

func (f *fixture) org(t *testing.T, parent *model.Org, typ string) *model.Org {
	t.Helper()
	id := model.NewID()
	path, depth := "/"+strconv.FormatInt(id, 10)+"/", 0
	var pid *int64
	if parent != nil {
		path, depth, pid = parent.Path+strconv.FormatInt(id, 10)+"/", parent.Depth+1, &parent.ID
	}
	now := time.Now().UTC()
	o := &model.Org{ID: id, ParentID: pid, Path: path, Depth: depth, Type: typ, Name: "测试工会" + strconv.FormatInt(id%1000, 10),
		RegionCode: "420106", AcceptsApplications: true, Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := model.NewOrgStore(f.db).Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o
}

// idNumber returns a valid resident ID number, a new one each call.
func (f *fixture) idNumber() string {
	n := f.seq.Add(1)
	base := fmt.Sprintf("42010619900307%03d", n%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	return base + string("10X98765432"[sum%11])
}

// applicant is a user ready to apply (complete consent, bound phone, a
// photo and ID-card images) and a complete form for f.union.
func (f *fixture) applicant(t *testing.T) (int64, application.Form) {
	t.Helper()
	ctx := context.Background()
	u, err := model.NewUserStore(f.db).UpsertByOpenID(ctx, "openid-"+strconv.FormatInt(model.NewID(), 10), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c := &model.Consent{ID: model.NewID(), UserID: u.ID, Version: privacy.Default().Version, PersonalInfo: true,
		SensitiveInfo: true, ShareUpward: true, GivenAt: now}
	if err := model.NewConsentStore(f.db).Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	phone := fmt.Sprintf("138%08d", u.ID%100_000_000)
	enc, err := f.cipher.Encrypt(pii.UserPhone.Row(u.ID), phone)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.NewUserStore(f.db).SetPhone(ctx, u.ID, enc, "phone-"+strconv.FormatInt(u.ID, 10), now); err != nil {
		t.Fatal(err)
	}
	file := func(kind string) int64 {
		up := &model.Upload{ID: model.NewID(), OwnerID: u.ID, Kind: kind, StorageKey: "k" + strconv.FormatInt(model.NewID(), 10),
			SHA256: "00", Size: 1, ContentType: "image/jpeg", KeyID: f.cipher.ActiveKeyID(), CreatedAt: now}
		if err := model.NewUploadStore(f.db).Create(ctx, up); err != nil {
			t.Fatal(err)
		}
		return up.ID
	}
	yes := true
	return u.ID, application.Form{OrgID: f.union.ID, Name: "张三", IDType: "resident_id", IDNumber: f.idNumber(),
		Ethnicity: "汉族", Education: "大学本科", PoliticalStatus: "群众", HouseholdType: "农业户口",
		Employment: application.EmploymentForm{EmployerName: "武汉光谷制造有限公司", JobTitle: "装配工", HiredOn: "2024-03-01",
			WorkType: "floating", IsMigrantWorker: &yes, IsDispatched: &yes, DispatchAgencyName: "武汉人力派遣公司"},
		PhotoUploadID: file(model.UploadPhoto), IDCardFrontUploadID: file(model.UploadIDCardFront), IDCardBackUploadID: file(model.UploadIDCardBack)}
}

// in makes a new application and moves it to status the way a user and a
// reviewer do.
func (f *fixture) in(t *testing.T, status string) (int64, application.Form, *model.Application) {
	t.Helper()
	ctx := context.Background()
	user, form := f.applicant(t)
	a, err := f.svc.Create(ctx, user, form, false, nil)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	must := func(a *model.Application, err error) *model.Application {
		t.Helper()
		if err != nil {
			t.Fatalf("moving to %s: %v", status, err)
		}
		return a
	}
	d := func(a *model.Application) application.Decision {
		return application.Decision{Version: a.Version, Reason: "材料不全"}
	}
	switch status {
	case model.AppDraft:
	case model.AppWithdrawn:
		a = must(f.svc.Withdraw(ctx, user, a.ID))
	default:
		a = must(f.svc.Submit(ctx, user, a.ID))
		switch status {
		case model.AppReturned:
			a = must(f.svc.Return(ctx, f.admin, a.ID, d(a)))
		case model.AppRejected:
			a = must(f.svc.Reject(ctx, f.admin, a.ID, d(a)))
		case model.AppApproved:
			ap, err := f.svc.Approve(ctx, f.admin, a.ID, d(a))
			if err != nil {
				t.Fatalf("Approve: %v", err)
			}
			a = ap.Application
		}
	}
	if a.Status != status {
		t.Fatalf("set up in %s, got %s", status, a.Status)
	}
	return user, form, a
}

// do runs action on a as its user or the admin, at version.
func (f *fixture) do(ctx context.Context, action string, user int64, form application.Form, a *model.Application, version int) (*model.Application, error) {
	d := application.Decision{Version: version, Reason: "请补充材料"}
	switch action {
	case "submit":
		return f.svc.Submit(ctx, user, a.ID)
	case "resubmit":
		return f.svc.Update(ctx, user, a.ID, form, true)
	case "approve":
		ap, err := f.svc.Approve(ctx, f.admin, a.ID, d)
		if err != nil {
			return nil, err
		}
		return ap.Application, nil
	case "reject":
		return f.svc.Reject(ctx, f.admin, a.ID, d)
	case "return":
		return f.svc.Return(ctx, f.admin, a.ID, d)
	case "withdraw":
		return f.svc.Withdraw(ctx, user, a.ID)
	case "assign":
		// Only an application at an intake point, or escalated once
		// overdue, may be assigned: these sit at a union, so escalate it
		// (a column outside the version and the timeline).
		if err := f.db.Model(&model.Application{}).Where("id = ?", a.ID).Update("escalated_at", time.Now().UTC()).Error; err != nil {
			return nil, err
		}
		return f.svc.Assign(ctx, f.admin, a.ID, application.Assignment{Version: version, OrgID: f.alt.ID, Reason: "按所在单位分配"})
	}
	panic("unknown action " + action)
}

// TestStateMachine: every status × action. An allowed move lands in its
// status at the next version with one new timeline event of its kind; a
// refused one is the listed error and changes nothing (status, version,
// timeline). A stale version is a conflict.
func TestStateMachine(t *testing.T) {
	const (
		ok       = service.Kind(-1)
		conflict = service.KindConflict
		notFound = service.KindNotFound // a draft is the applicant's alone
	)
	type want struct {
		kind   service.Kind
		status string // after an allowed move
		event  string
	}
	allowed := func(status, event string) want { return want{kind: ok, status: status, event: event} }
	refused := func(k service.Kind) want { return want{kind: k} }
	table := map[string]map[string]want{
		model.AppDraft: {
			"submit": allowed(model.AppSubmitted, model.EventSubmitted), "resubmit": allowed(model.AppSubmitted, model.EventSubmitted),
			"approve": refused(notFound), "reject": refused(notFound), "return": refused(notFound),
			"withdraw": allowed(model.AppWithdrawn, model.EventWithdrawn), "assign": refused(notFound)},
		model.AppSubmitted: {
			"submit": refused(conflict), "resubmit": refused(conflict),
			"approve": allowed(model.AppApproved, model.EventApproved), "reject": allowed(model.AppRejected, model.EventRejected),
			"return": allowed(model.AppReturned, model.EventReturned), "withdraw": allowed(model.AppWithdrawn, model.EventWithdrawn),
			"assign": allowed(model.AppSubmitted, model.EventAssigned)},
		model.AppReturned: {
			"submit": allowed(model.AppSubmitted, model.EventResubmitted), "resubmit": allowed(model.AppSubmitted, model.EventResubmitted),
			"approve": refused(conflict), "reject": refused(conflict), "return": refused(conflict),
			"withdraw": allowed(model.AppWithdrawn, model.EventWithdrawn), "assign": refused(conflict)},
	}
	for _, final := range []string{model.AppApproved, model.AppRejected, model.AppWithdrawn} {
		table[final] = map[string]want{}
		for _, action := range []string{"submit", "resubmit", "approve", "reject", "return", "withdraw", "assign"} {
			table[final][action] = refused(conflict)
		}
	}
	type tcase struct {
		name, from, action string
		stale              bool
		want               want
	}
	var cases []tcase
	for _, from := range []string{model.AppDraft, model.AppSubmitted, model.AppReturned, model.AppApproved, model.AppRejected, model.AppWithdrawn} {
		for _, action := range []string{"submit", "resubmit", "approve", "reject", "return", "withdraw", "assign"} {
			cases = append(cases, tcase{name: from + " " + action, from: from, action: action, want: table[from][action]})
		}
	}
	for _, action := range []string{"approve", "reject", "return", "assign"} { // the reviewer saw an older version
		cases = append(cases, tcase{name: "submitted " + action + " stale", from: model.AppSubmitted, action: action, stale: true, want: refused(conflict)})
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		events := model.NewApplicationEventStore(db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				user, form, a := f.in(t, tc.from)
				before, err := events.List(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				version := a.Version
				if tc.stale {
					version--
				}
				out, err := f.do(ctx, tc.action, user, form, a, version)
				stored, gerr := model.NewApplicationStore(db).Get(ctx, a.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				after, lerr := events.List(ctx, a.ID)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if tc.want.kind != ok {
					if kind := service.KindOf(err); err == nil || kind != tc.want.kind {
						t.Fatalf("err = %v (kind %d), want kind %d", err, kind, tc.want.kind)
					}
					if stored.Status != a.Status || stored.Version != a.Version || len(after) != len(before) {
						t.Errorf("refused move changed the application: %s v%d, %d events; was %s v%d, %d events",
							stored.Status, stored.Version, len(after), a.Status, a.Version, len(before))
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", tc.action, err)
				}
				if out.Status != tc.want.status || stored.Status != tc.want.status {
					t.Errorf("status: returned %s, stored %s, want %s", out.Status, stored.Status, tc.want.status)
				}
				if stored.Version != a.Version+1 || out.Version != stored.Version {
					t.Errorf("version: returned %d, stored %d, want %d", out.Version, stored.Version, a.Version+1)
				}
				if len(after) != len(before)+1 {
					t.Fatalf("%d events after, %d before: want one more", len(after), len(before))
				}
				last := after[len(after)-1]
				if last.Kind != tc.want.event || last.Version != stored.Version || last.OrgID != stored.OrgID {
					t.Errorf("event = %s v%d org %d, want %s v%d org %d", last.Kind, last.Version, last.OrgID,
						tc.want.event, stored.Version, stored.OrgID)
				}
				open := stored.OpenKey != nil
				if wantOpen := tc.want.status == model.AppSubmitted || tc.want.status == model.AppReturned; open != wantOpen {
					t.Errorf("open = %v, want %v", open, wantOpen)
				}
				switch tc.action {
				case "approve":
					if stored.MemberID == nil {
						t.Fatal("approved without a member")
					}
					m, err := model.NewMemberStore(db).Get(ctx, *stored.MemberID)
					if err != nil || m.Status != model.MemberActive || m.OrgID != f.union.ID {
						t.Errorf("member = %+v, %v; want active in the union", m, err)
					}
				case "assign":
					if stored.OrgID != f.alt.ID {
						t.Errorf("assigned to org %d, want %d", stored.OrgID, f.alt.ID)
					}
				case "reject", "return":
					if stored.ReviewReason == nil || *stored.ReviewReason != "请补充材料" {
						t.Errorf("review reason = %v", stored.ReviewReason)
					}
				}
			})
		}
	})
}

// TestDoubleApproval: two reviewers approve one application at once; one
// succeeds, the other is a conflict, and one member is on the roll.
func TestDoubleApproval(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, _, a := f.in(t, model.AppSubmitted)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Approve(ctx, f.admin, a.ID, application.Decision{Version: a.Version})
			}()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case service.KindOf(err) == service.KindConflict:
				lost++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 || lost != 1 {
			t.Errorf("%d approvals succeeded, %d conflicted; want 1 and 1 (%v)", won, lost, errs)
		}
		n, err := model.NewMemberStore(db).CountOnRoll(ctx, f.union.ID)
		if err != nil || n != 1 {
			t.Errorf("on the roll: %d (%v), want 1", n, err)
		}
	})
}

// TestFormUploads: a form may name only the applicant's own files, of the
// right kind, not yet due for deletion; anything else is 422 on that field
// and nothing is saved.
func TestFormUploads(t *testing.T) {
	cases := []struct {
		name      string
		change    func(f *fixture, t *testing.T, user int64, form *application.Form)
		wantField string
	}{
		{name: "own files", change: func(*fixture, *testing.T, int64, *application.Form) {}},
		{name: "another user's photo", wantField: "photo_upload_id", change: func(f *fixture, t *testing.T, _ int64, form *application.Form) {
			_, other := f.applicant(t)
			form.PhotoUploadID = other.PhotoUploadID
		}},
		{name: "another user's ID card", wantField: "id_card_back_upload_id", change: func(f *fixture, t *testing.T, _ int64, form *application.Form) {
			_, other := f.applicant(t)
			form.IDCardBackUploadID = other.IDCardBackUploadID
		}},
		{name: "wrong kind", wantField: "id_card_front_upload_id", change: func(_ *fixture, _ *testing.T, _ int64, form *application.Form) {
			form.IDCardFrontUploadID = form.PhotoUploadID
		}},
		{name: "no such file", wantField: "photo_upload_id", change: func(_ *fixture, _ *testing.T, _ int64, form *application.Form) {
			form.PhotoUploadID = model.NewID()
		}},
		{name: "past delete_after", wantField: "photo_upload_id", change: func(f *fixture, t *testing.T, _ int64, form *application.Form) {
			past := time.Date(2026, 11, 27, 9, 59, 59, 0, time.UTC) // the service's clock is 10:00
			if err := f.db.Model(&model.Upload{}).Where("id = ?", form.PhotoUploadID).Update("delete_after", past).Error; err != nil {
				t.Fatal(err)
			}
		}},
	}
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				user, form := f.applicant(t)
				tc.change(f, t, user, &form)
				a, err := f.svc.Create(ctx, user, form, true, nil)
				if tc.wantField == "" {
					if err != nil || a.Status != model.AppSubmitted {
						t.Fatalf("Create = %v, %v; want submitted", a, err)
					}
					return
				}
				var se *service.Error
				if !errors.As(err, &se) || se.Kind != service.KindInvalid || len(se.Fields) != 1 || se.Fields[0].Field != tc.wantField {
					t.Fatalf("err = %v, want 422 on %s", err, tc.wantField)
				}
				if cur, err := f.svc.Current(ctx, user); cur != nil || err != nil {
					t.Errorf("a refused form left an application: %v, %v", cur, err)
				}
			})
		}
	})
}
