package importer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobs"
)

// crashingStats stands in for the counters and cancels the job's context
// on the second batch, as a node dying mid-import would stop it.
type crashingStats struct {
	calls  int
	cancel context.CancelFunc
}

func (c *crashingStats) MembersJoined(ctx context.Context, ms []*model.Member) error {
	c.calls++
	if c.calls == 2 && c.cancel != nil {
		c.cancel()
		return ctx.Err()
	}
	return nil
}

func TestImportResumesAfterTakeover(t *testing.T) {
	modeltest.Each(t, func(t *testing.T, db *gorm.DB) {
		stats := &crashingStats{}
		f := newFixture(t, db, stats, 2)
		ctx := context.Background()
		birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
		a := idNumber(birth, 1)
		data := sheet(t, func(yield func([]any) bool) {
			_ = yield([]any{"姓名", "身份证号码", "手机号码"}) &&
				yield([]any{"甲一", a, "13900000001"}) && // row 2
				yield([]any{"乙二", idNumber(birth, 2), ""}) && // row 3: no phone
				yield([]any{"丙三", idNumber(birth, 3), "13900000003"}) && // row 4
				yield([]any{"丁四", idNumber(birth, 4), "13900000004"}) && // row 5
				yield([]any{"戊五", idNumber(birth, 5), "13900000005"}) && // row 6
				yield([]any{"己六", a, "13900000006"}) // row 7: row 2's ID number
		})
		sc := access.Scope{UserID: f.admin, Bindings: []access.Binding{{OrgID: f.union.ID, OrgPath: f.union.Path, Role: access.UnionStaff}}}
		id, err := f.svc.Start(ctx, sc, f.union.ID, "a.xlsx", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		// The first node dies during the second batch (rows 4 and 5).
		dying, cancel := context.WithCancel(ctx)
		stats.cancel = cancel
		first := jobs.NewWorker(f.queue, jobs.WorkerConfig{Owner: "first", Lease: time.Minute})
		first.Register(importer.JobKind, f.svc.Handle)
		if ran, err := first.RunOnce(dying); !ran || err != nil {
			t.Fatalf("first attempt: %v %v", ran, err)
		}
		if n := countMembers(t, db, f.union.ID); n != 1 {
			t.Fatalf("after the crash %d members, want the first batch's 1", n)
		}
		// Another node takes over once the lease ran out, after row 3.
		f.clock.Advance(2 * time.Minute)
		second := jobs.NewWorker(f.queue, jobs.WorkerConfig{Owner: "second"})
		second.Register(importer.JobKind, f.svc.Handle)
		if ran, err := second.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("second attempt: %v %v", ran, err)
		}
		st, err := f.svc.Status(ctx, sc, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != model.JobDone || st.Total != 6 || st.Imported != 4 || st.Failed != 2 || len(st.Errors) != 2 ||
			st.Errors[0].Row != 3 || st.Errors[1].Row != 7 || st.Errors[1].Message != "与第2行的身份证号码重复" {
			t.Fatalf("status %+v", st)
		}
		if n := countMembers(t, db, f.union.ID); n != 4 {
			t.Fatalf("%d members, want 4", n)
		}
		// Member numbers are consecutive: the rolled-back batch gave its back.
		var nos []string
		if err := db.Model(&model.Member{}).Order("member_no").Pluck("member_no", &nos).Error; err != nil {
			t.Fatal(err)
		}
		if nos[0] != "42010600000001" || nos[3] != "42010600000004" {
			t.Fatalf("member numbers %v", nos)
		}
	})
}
