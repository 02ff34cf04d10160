package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/importer"
	"github.com/unionhub/unionhub/service/jobfile"
	"github.com/unionhub/unionhub/service/jobs"
	"github.com/unionhub/unionhub/service/pii/piitest"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fixture is an import service on db with one grassroots union.
type fixture struct {
	db    *gorm.DB
	clock *testClock
	queue *jobs.Queue
	svc   *importer.Service
	union *model.Org
	admin int64
}

func newFixture(t testing.TB, db *gorm.DB, stats importer.StatsRecorder, batch int) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &testClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	cipher := piitest.Cipher(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	orgs := model.NewOrgStore(db)
	now := clk.Now()
	root := &model.Org{ID: model.NewID(), Type: model.OrgFederation, Name: "湖北省总工会", RegionCode: "420000",
		Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	root.Path = model.RootPath(root.ID)
	union := &model.Org{ID: model.NewID(), ParentID: &root.ID, Depth: 1, Type: model.OrgGrassroots,
		Name: "武汉光谷制造有限公司工会", RegionCode: "420106", Status: model.OrgActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	union.Path = root.ChildPath(union.ID)
	for _, o := range []*model.Org{root, union} {
		if err := orgs.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	q := jobs.NewQueue(db, clk.Now)
	svc := importer.New(service.Env{Now: clk.Now, Location: time.FixedZone("CST", 8*3600)}, importer.Deps{DB: db, Queue: q, Files: jobfile.New(db, blobs, cipher, clk.Now, nil), PII: cipher, Stats: stats}, importer.Config{BatchSize: batch})
	return &fixture{db: db, clock: clk, queue: q, svc: svc, union: union, admin: 7}
}

// idNumber makes a valid resident ID number from a birth date and a
// sequence number.
func idNumber(birth time.Time, seq int) string {
	first17 := "420111" + birth.Format("20060102") + fmt.Sprintf("%03d", seq%1000)
	return first17 + string(codes.IDCheckChar(first17))
}

// sheet writes rows (the header first) as an .xlsx with text cells,
// through excelize's StreamWriter so that big sheets stay cheap.
func sheet(t testing.TB, rows func(yield func([]any) bool)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for row := range rows {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countMembers(t testing.TB, db *gorm.DB, orgID int64) int64 {
	t.Helper()
	n, err := model.NewMemberStore(db).CountOnRoll(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// importNow uploads data as an import by a staff member of f's union and
// runs its job to the end on one worker; it returns the job id and the
// scope that can read its status.
func (f *fixture) importNow(t testing.TB, data []byte) (int64, access.Scope) {
	t.Helper()
	ctx := context.Background()
	sc := access.Scope{UserID: f.admin, Bindings: []access.Binding{{OrgID: f.union.ID, OrgPath: f.union.Path, Role: access.UnionStaff}}}
	id, err := f.svc.Start(ctx, sc, f.union.ID, "sheet.xlsx", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	w := jobs.NewWorker(f.queue, jobs.WorkerConfig{Owner: "worker"})
	w.Register(importer.JobKind, f.svc.Handle)
	if ran, err := w.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("import: %v %v", ran, err)
	}
	return id, sc
}
