package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/wechat"
)

type fakeChecker struct {
	verdict wechat.Verdict
	err     error
	got     string
}

func (f *fakeChecker) MsgSecCheck(_ context.Context, _, content string) (wechat.Verdict, error) {
	f.got = content
	return f.verdict, f.err
}

func TestContentCheck(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		tests := []struct {
			name        string
			checker     *fakeChecker
			wantFlagged bool
		}{
			{"pass", &fakeChecker{verdict: wechat.VerdictPass}, false},
			{"risky is flagged", &fakeChecker{verdict: wechat.VerdictRisky}, true},
			{"review is flagged", &fakeChecker{verdict: wechat.VerdictReview}, true},
			{"WeChat down fails open", &fakeChecker{err: wechat.ErrUpstream}, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u, err := model.NewUserStore(db).UpsertByOpenID(ctx, "openid-"+tc.name, nil)
				if err != nil {
					t.Fatal(err)
				}
				employer := "某某公司"
				a := &model.Application{ID: model.NewID(), UserID: u.ID, OrgID: 1, Status: model.AppSubmitted, Version: 1,
					Person: model.Person{Name: "张三", IDType: "resident_id"}, Employment: model.Employment{EmployerName: &employer},
					CreatedAt: now, UpdatedAt: now}
				if err := model.NewApplicationStore(db).Create(ctx, a); err != nil {
					t.Fatal(err)
				}
				q := jobs.NewQueue(db, nil)
				check := application.NewContentCheck(db, q, tc.checker, nil)
				if err := check.QueueCheck(ctx, a.ID); err != nil {
					t.Fatal(err)
				}
				w := jobs.NewWorker(q, jobs.WorkerConfig{Owner: "t"})
				w.Register(application.JobContentCheck, check.Handle)
				if ran, err := w.RunOnce(ctx); !ran || err != nil {
					t.Fatalf("job ran=%v err=%v", ran, err)
				}
				got, err := model.NewApplicationStore(db).Get(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Flagged != tc.wantFlagged {
					t.Errorf("flagged = %v, want %v", got.Flagged, tc.wantFlagged)
				}
				if tc.checker.got != "张三\n某某公司" && !errors.Is(tc.checker.err, wechat.ErrUpstream) {
					t.Errorf("checked text %q", tc.checker.got)
				}
			})
		}
	})
}
