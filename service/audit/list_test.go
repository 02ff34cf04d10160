package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/audit"
)

// orgTree makes root ── a ── a1, root ── b and returns them.
func orgTree(t *testing.T, db *gorm.DB) (root, a, a1, b *model.Org) {
	t.Helper()
	store := model.NewOrgStore(db)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(parent *model.Org, name string) *model.Org {
		id := model.NewID()
		o := &model.Org{ID: id, Path: model.RootPath(id), Type: model.OrgFederation, Name: name, RegionCode: "420000",
			Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		if parent != nil {
			o.ParentID, o.Path, o.Depth = &parent.ID, parent.ChildPath(id), parent.Depth+1
		}
		if err := store.Create(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	root = mk(nil, "root")
	a = mk(root, "a")
	a1 = mk(a, "a1")
	b = mk(root, "b")
	return
}

func TestListScope(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		root, a, a1, b := orgTree(t, db)
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		ctx := context.Background()
		for _, e := range []audit.Entry{
			{OrgID: a.ID, Action: "role.revoke"},
			{OrgID: a1.ID, Action: "application.read"},
			{OrgID: a1.ID, Action: "role.revoke"},
			{OrgID: b.ID, Action: "role.revoke"},
			{OrgID: root.ID, Action: "org.create"},
			{Action: "system.job"},
		} {
			if err := s.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			name  string
			paths []string
			f     audit.Filter
			want  []int64 // seqs, newest first
		}{
			{"root sees every org's rows", []string{root.Path}, audit.Filter{}, []int64{5, 4, 3, 2, 1}},
			{"a sees its subtree", []string{a.Path}, audit.Filter{}, []int64{3, 2, 1}},
			{"two subtrees", []string{a1.Path, b.Path}, audit.Filter{}, []int64{4, 3, 2}},
			{"no scope sees nothing", nil, audit.Filter{}, nil},
			{"by action", []string{root.Path}, audit.Filter{Action: "role.revoke"}, []int64{4, 3, 1}},
			{"by org subtree", []string{root.Path}, audit.Filter{OrgID: a.ID}, []int64{3, 2, 1}},
			{"by org and action", []string{a.Path}, audit.Filter{OrgID: a1.ID, Action: "role.revoke"}, []int64{3}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := s.List(ctx, tc.paths, tc.f, model.Page{Limit: 20})
				if err != nil || next != nil {
					t.Fatalf("%v %v", err, next)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("got %d rows, want seqs %v", len(got), tc.want)
				}
				for i, r := range got {
					if r.Seq != tc.want[i] {
						t.Fatalf("row %d has seq %d, want %v", i, r.Seq, tc.want)
					}
				}
			})
		}
		_, _, err := s.List(ctx, []string{a.Path}, audit.Filter{OrgID: b.ID}, model.Page{Limit: 20})
		var de *service.Error
		if !errors.As(err, &de) || de.Kind != service.KindNotFound {
			t.Errorf("org outside the scope: %v, want not found", err)
		}
	})
}

func TestListPages(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		root, _, _, _ := orgTree(t, db)
		s := audit.New(db, audit.TestKey, newClock().Now, nil)
		ctx := context.Background()
		for i := 0; i < 7; i++ {
			if err := s.Record(ctx, audit.Entry{OrgID: root.ID, Action: "x", Detail: map[string]any{"i": i}}); err != nil {
				t.Fatal(err)
			}
		}
		var seqs []int64
		p := model.Page{Limit: 3}
		for pages := 0; ; pages++ {
			got, next, err := s.List(ctx, []string{root.Path}, audit.Filter{}, p)
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, r := range got {
				seqs = append(seqs, r.Seq)
				if string(r.Detail) == "" || r.Hash == "" {
					t.Errorf("row %d lacks detail or hash", r.Seq)
				}
			}
			if next == nil {
				break
			}
			if p.Cursor, err = model.DecodeCursor(*next); err != nil {
				t.Fatal(err)
			}
		}
		want := []int64{7, 6, 5, 4, 3, 2, 1}
		if len(seqs) != len(want) {
			t.Fatalf("pages gave %v, want %v", seqs, want)
		}
		for i := range want {
			if seqs[i] != want[i] {
				t.Fatalf("pages gave %v, want %v", seqs, want)
			}
		}
	})
}
