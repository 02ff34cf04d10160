package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/calendar"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/stats"
)

// benchOptions shape the data seed-bench generates.
type benchOptions struct {
	Unions       int
	Members      int
	Applications int // submitted applications, most of them at the first union
	// IntakePoints county federations take applications (API.md §11);
	// IntakeShare of the applications go to them (when there are any).
	IntakePoints int
	IntakeShare  float64
	Workers      int // concurrent insert transactions
	Seed         uint64
	Now          time.Time
	Progress     io.Writer // progress lines; nil prints none
	// Calendar and Location give the applications their due dates
	// (nil: calendar.Default() and UTC).
	Calendar *calendar.Calendar
	Location *time.Location
}

// benchSummary is what seed-bench prints at the end.
type benchSummary struct {
	RootOrgID     string           `json:"root_org_id"`
	FirstUnionID  string           `json:"first_union_id"`
	Orgs          int              `json:"orgs"`
	Unions        int              `json:"unions"`
	Members       int              `json:"members"`
	Events        int              `json:"events"`
	Applications  int              `json:"applications"`
	Overdue       int              `json:"overdue_applications"`
	CountersFixed int              `json:"counter_rows_fixed"`
	MembersPerSec float64          `json:"members_per_second"`
	TimingsMS     map[string]int64 `json:"timings_ms"`

	// IntakePoints took IntakeApplications of the Applications.
	IntakePoints       int `json:"intake_points"`
	IntakeApplications int `json:"intake_applications"`
}

// seedBenchCmd runs `unionhub seed-bench --unions N --members M`: it fills
// an empty database with a realistic province for load tests.
func seedBenchCmd(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("unionhub seed-bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	configPath := fs.String("config", "", "YAML configuration file")
	unions := fs.Int("unions", 100, "grassroots unions to create")
	members := fs.Int("members", 10000, "members to put on the rolls")
	apps := fs.Int("applications", 200, "submitted applications (the chair's pending queue)")
	intake := fs.Int("intake-points", 0, "county federations that take applications (intake points, 0.."+strconv.Itoa(len(cities)*countiesPerCity)+")")
	intakeShare := fs.Float64("intake-share", 0.1, "with --intake-points: the share of --applications made to them (0..1)")
	workers := fs.Int("workers", 0, "concurrent insert transactions (0: 6 on MySQL, 1 on SQLite)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unions < 1 || *members < 0 || *members > 7_000_000 {
		return fmt.Errorf("seed-bench: --unions must be ≥ 1 and --members within 0..7000000")
	}
	if *intake < 0 || *intake > len(cities)*countiesPerCity || *intakeShare < 0 || *intakeShare > 1 {
		return fmt.Errorf("seed-bench: --intake-points must be within 0..%d and --intake-share within 0..1", len(cities)*countiesPerCity)
	}
	cfg, err := config.Load(*configPath, e.lookup)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	keys, err := node.LoadSecrets(cfg)
	if err != nil {
		return err
	}
	cipher, err := pii.New(keys.PII)
	if err != nil {
		return err
	}
	db, err := node.OpenDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer model.Close(db)
	if err := node.EnsureSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	if *workers <= 0 {
		*workers = 1
		if model.Dialect(db) == model.DialectMySQL {
			*workers = 6
		}
	}
	cal, err := calendar.Load(cfg.HolidaysFile)
	if err != nil {
		return fmt.Errorf("UNIONHUB_HOLIDAYS_FILE: %w", err)
	}
	st := stats.New(service.Env{Location: cfg.Location(), Log: log}, stats.Deps{DB: db, Calendar: cal})
	sum, err := seedBench(ctx, db, cipher, st, benchOptions{Unions: *unions, Members: *members,
		Applications: *apps, Workers: *workers, Seed: *seed, Now: time.Now(), Progress: e.stderr,
		Calendar: cal, Location: cfg.Location(), IntakePoints: *intake, IntakeShare: *intakeShare})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

// bench is one seed-bench run.
type bench struct {
	db     *gorm.DB
	cipher *pii.Cipher
	o      benchOptions
	batch  int // rows per multi-row INSERT
	root   *model.Org
	unions []*model.Org
	intake []*model.Org // county federations taking applications
	counts []int        // members per union
	starts []int        // global index of each union's first member
}

// seedBench generates the tree, the members, the applications and fixes
// the counters. The database must hold no org yet.
func seedBench(ctx context.Context, db *gorm.DB, cipher *pii.Cipher, st *stats.Service, o benchOptions) (benchSummary, error) {
	b := &bench{db: db, cipher: cipher, o: o, batch: 500}
	if model.Dialect(db) == model.DialectMySQL {
		b.batch = 1000
	}
	if b.o.Workers < 1 {
		b.o.Workers = 1
	}
	sum := benchSummary{TimingsMS: map[string]int64{}}
	var n int64
	if err := db.WithContext(ctx).Model(&model.Org{}).Count(&n).Error; err != nil {
		return sum, err
	}
	if n > 0 {
		return sum, errors.New("seed-bench: the database already holds orgs; give it an empty database")
	}
	start := time.Now()
	lap := func(name string, t time.Time) { sum.TimingsMS[name] = time.Since(t).Milliseconds() }

	t := time.Now()
	orgs, err := b.tree(ctx)
	if err != nil {
		return sum, err
	}
	lap("tree", t)
	b.progress("tree: %d orgs, %d grassroots unions", orgs, len(b.unions))

	t = time.Now()
	if err := b.members(ctx); err != nil {
		return sum, err
	}
	lap("members", t)
	if s := time.Since(t).Seconds(); s > 0 {
		sum.MembersPerSec = float64(int(float64(o.Members)/s*10)) / 10
	}

	t = time.Now()
	apps, overdue, intake, err := b.applications(ctx)
	if err != nil {
		return sum, err
	}
	lap("applications", t)

	t = time.Now()
	drifts, err := st.Reconcile(ctx)
	if err != nil {
		return sum, err
	}
	if err := st.Fix(ctx, drifts); err != nil {
		return sum, err
	}
	lap("stats", t)
	lap("total", start)
	sum.RootOrgID = strconv.FormatInt(b.root.ID, 10)
	sum.FirstUnionID = strconv.FormatInt(b.unions[0].ID, 10)
	sum.Orgs, sum.Unions, sum.Members, sum.Events = orgs, len(b.unions), o.Members, o.Members
	sum.Applications, sum.Overdue, sum.CountersFixed = apps, overdue, len(drifts)
	sum.IntakePoints, sum.IntakeApplications = len(b.intake), intake
	b.progress("done in %s", time.Since(start).Round(time.Millisecond))
	return sum, nil
}

func (b *bench) progress(format string, args ...any) {
	if b.o.Progress != nil {
		fmt.Fprintf(b.o.Progress, "seed-bench: "+format+"\n", args...)
	}
}

// cities are the 17 prefecture-level divisions of 湖北省 (GB/T 2260).
var cities = []struct{ code, name string }{
	{"420100", "武汉市"}, {"420200", "黄石市"}, {"420300", "十堰市"}, {"420500", "宜昌市"},
	{"420600", "襄阳市"}, {"420700", "鄂州市"}, {"420800", "荆门市"}, {"420900", "孝感市"},
	{"421000", "荆州市"}, {"421100", "黄冈市"}, {"421200", "咸宁市"}, {"421300", "随州市"},
	{"422800", "恩施土家族苗族自治州"}, {"429004", "仙桃市"}, {"429005", "潜江市"}, {"429006", "天门市"},
	{"429021", "神农架林区"},
}

const countiesPerCity = 6

// tree inserts the province, its cities, their counties and the unions.
func (b *bench) tree(ctx context.Context) (int, error) {
	now := b.o.Now
	r := rand.New(rand.NewPCG(b.o.Seed, 0))
	org := func(parent *model.Org, typ, name, region string) *model.Org {
		o := &model.Org{ID: model.NewID(), Type: typ, Name: name, RegionCode: region, Status: model.OrgActive,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if parent == nil {
			o.Path = model.RootPath(o.ID)
		} else {
			o.ParentID, o.Path, o.Depth = &parent.ID, parent.ChildPath(o.ID), parent.Depth+1
		}
		return o
	}
	b.root = org(nil, model.OrgFederation, "湖北省总工会", "420000")
	all := []*model.Org{b.root}
	var counties []*model.Org
	for _, c := range cities {
		city := org(b.root, model.OrgFederation, c.name+"总工会", c.code)
		all = append(all, city)
		for k := 1; k <= countiesPerCity; k++ {
			code := c.code[:4] + fmt.Sprintf("%02d", k+1)
			county := org(city, model.OrgFederation, fmt.Sprintf("%s第%d区县总工会", c.name, k), code)
			all, counties = append(all, county), append(counties, county)
		}
	}
	// Intake points spread over the cities (one per city up to 17).
	for k := range b.o.IntakePoints {
		county := counties[k*len(counties)/b.o.IntakePoints]
		county.AcceptsApplications = true
		b.intake = append(b.intake, county)
	}
	// Union sizes are skewed: many small unions, a few big ones.
	weights := make([]float64, b.o.Unions)
	total := 0.0
	for i := range weights {
		weights[i] = 0.2 + r.ExpFloat64()
		total += weights[i]
	}
	b.counts, b.starts = make([]int, b.o.Unions), make([]int, b.o.Unions)
	given := 0
	for i, w := range weights {
		b.counts[i] = int(float64(b.o.Members) * w / total)
		given += b.counts[i]
	}
	for i := 0; given < b.o.Members; i = (i + 1) % b.o.Unions {
		b.counts[i]++
		given++
	}
	kind, unitType, industry := model.UnionSingle, "enterprise", "C"
	next := 0
	for i := range b.o.Unions {
		county := counties[i%len(counties)]
		unit := fmt.Sprintf("%s第%d制造有限公司", county.Name[:len(county.Name)-len("总工会")], i+1)
		u := org(county, model.OrgGrassroots, unit+"工会", county.RegionCode)
		uscc := benchUSCC(county.RegionCode, i+1)
		addr := county.Name[:len(county.Name)-len("总工会")] + "工业园" + strconv.Itoa(i%50+1) + "号"
		u.UnionKind, u.UnitName, u.USCC, u.UnitType, u.IndustryCode, u.Address = &kind, &unit, &uscc, &unitType, &industry, &addr
		u.WorkerCount = b.counts[i] + b.counts[i]*r.IntN(40)/100 + 5
		u.AcceptsApplications = true
		b.unions = append(b.unions, u)
		all = append(all, u)
		b.starts[i] = next
		next += b.counts[i]
	}
	err := model.InTx(ctx, b.db, func(ctx context.Context) error {
		return model.Conn(ctx, b.db).CreateInBatches(all, b.batch).Error
	})
	return len(all), err
}

// benchUSCC is a well-formed 统一社会信用代码 of an enterprise (91…)
// registered in region, with both check characters right.
func benchUSCC(region string, n int) string {
	body := fmt.Sprintf("%08d", n%100000000)
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	check := byte('0' + (11-sum%11)%11)
	if 11-sum%11 == 10 {
		check = 'X'
	}
	first17 := "91" + region + body + string(check)
	c, err := codes.USCCCheckChar(first17)
	if err != nil {
		panic(err) // first17 is digits only
	}
	return first17 + string(c)
}

// chunk is a run of one union's members inserted in one transaction.
type chunk struct{ union, from, n int }

const chunkSize = 5000

// members inserts every union's members, Workers transactions at a time.
func (b *bench) members(ctx context.Context) error {
	jobs := make(chan chunk)
	errc := make(chan error, b.o.Workers)
	var done sync.WaitGroup
	var mu sync.Mutex
	inserted, reported := 0, 0
	started := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range b.o.Workers {
		done.Go(func() {
			for c := range jobs {
				if err := b.insertChunk(ctx, c); err != nil {
					errc <- err
					cancel()
					return
				}
				mu.Lock()
				inserted += c.n
				if inserted-reported >= 50000 || inserted == b.o.Members {
					reported = inserted
					b.progress("members: %d/%d (%.0f/s)", inserted, b.o.Members,
						float64(inserted)/time.Since(started).Seconds())
				}
				mu.Unlock()
			}
		})
	}
feed:
	for u, n := range b.counts {
		for from := 0; from < n; from += chunkSize {
			select {
			case jobs <- chunk{union: u, from: from, n: min(chunkSize, n-from)}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	done.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return ctx.Err()
	}
}

// insertChunk reserves the chunk's member numbers (a short transaction of
// its own, as the counter row stays locked until commit) and inserts its
// members and their join events in a second one.
func (b *bench) insertChunk(ctx context.Context, c chunk) error {
	u := b.unions[c.union]
	store := model.NewMemberStore(b.db)
	var nos []string
	err := model.InTx(ctx, b.db, func(ctx context.Context) error {
		var err error
		nos, err = store.ReserveMemberNos(ctx, u.RegionCode, c.n)
		return err
	})
	if err != nil {
		return err
	}
	first := b.starts[c.union] + c.from
	r := rand.New(rand.NewPCG(b.o.Seed, uint64(first)+1))
	ms := make([]model.Member, c.n)
	evs := make([]model.MembershipEvent, c.n)
	joinCode, _ := codes.NationalChangeType("join")
	reason := "入会申请"
	for i := range ms {
		if err := b.member(r, u, first+i, &ms[i]); err != nil {
			return err
		}
		ms[i].MemberNo = nos[i]
		evs[i] = model.MembershipEvent{ID: model.NewID(), MemberID: ms[i].ID, Type: "join", NationalCode: &joinCode,
			Reason: &reason, ToOrgID: &u.ID, CreatedAt: ms[i].CreatedAt}
	}
	return model.InTx(ctx, b.db, func(ctx context.Context) error {
		db := model.Conn(ctx, b.db)
		if err := db.CreateInBatches(ms, b.batch).Error; err != nil {
			return model.Translate(err)
		}
		return model.Translate(db.CreateInBatches(evs, b.batch*2).Error)
	})
}

var (
	surnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given     = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞斌宇浩凯亮晨欣怡婷雪琳佳慧丹波海燕春梅志军兵林峰")
	educ      = []string{"初中", "高中", "中专", "技工学校", "大学专科", "大学本科", "硕士研究生"}
	political = []string{"群众", "群众", "群众", "群众", "共青团员", "中共党员"}
	household = []string{"农业户口", "非农业户口", "居民户口"}
	minority  = []string{"回族", "土家族", "苗族", "侗族", "满族", "壮族", "蒙古族"}
	jobTitles = []string{"操作工", "装配工", "质检员", "技术员", "仓管员", "司机", "文员", "班组长", "工程师", "销售"}
)

const birthDays = 14000 // about 38 years of birth dates

// member fills m as member number idx (0-based, global) of union u. The
// ID number is unique for idx below 7 000 000: birth day idx mod
// birthDays, sequence idx / birthDays, whatever the region.
func (b *bench) member(r *rand.Rand, u *model.Org, idx int, m *model.Member) error {
	now := b.o.Now
	female := r.Float64() < 0.45
	birth := time.Date(1966, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, idx%birthDays)
	seq := (idx/birthDays)%500*2 + 1
	if female {
		seq--
	}
	first17 := u.RegionCode + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	idNumber := first17 + string(codes.IDCheckChar(first17))
	name := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
	if r.IntN(3) > 0 {
		name += string(given[r.IntN(len(given))])
	}
	gender, birthDate := "male", birth.Format("2006-01-02")
	if female {
		gender = "female"
	}
	ethnicity := "汉族"
	if r.IntN(100) < 6 {
		ethnicity = minority[r.IntN(len(minority))]
	}
	ed, pol, hh := educ[r.IntN(len(educ))], political[r.IntN(len(political))], household[r.IntN(len(household))]
	id := model.NewID()
	enc, err := b.cipher.Encrypt(pii.MemberIDNumber.Row(id), idNumber)
	if err != nil {
		return err
	}
	idx17 := b.cipher.BlindIndexFor(pii.DomainIDNumber, idNumber)
	phone := fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
	phoneEnc, err := b.cipher.Encrypt(pii.MemberPhone.Row(id), phone)
	if err != nil {
		return err
	}
	phoneIdx := b.cipher.BlindIndexFor(pii.DomainPhone, phone)
	status := model.MemberActive
	switch p := r.IntN(100); {
	case p < 6:
		status = model.MemberRetained
	case p < 9:
		status = model.MemberSuspended
	}
	work := "stable"
	if r.Float64() < 0.15 {
		work = "floating"
	}
	// Joined within the last three years, hired a little before.
	joined := now.Add(-time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
	hired := joined.AddDate(0, -r.IntN(24), 0).Format("2006-01-02")
	job := jobTitles[r.IntN(len(jobTitles))]
	*m = model.Member{ID: id, OrgID: u.ID, Status: status,
		Person: model.Person{Name: name, IDType: codes.IDTypeResident, Gender: &gender, BirthDate: &birthDate,
			Ethnicity: &ethnicity, Education: &ed, PoliticalStatus: &pol, HouseholdType: &hh},
		IDNumberEnc: enc, IDNumberIdx: idx17, RollKey: &idx17, PhoneEnc: &phoneEnc, PhoneIdx: &phoneIdx,
		Employment: model.Employment{EmployerName: u.UnitName, JobTitle: &job, HiredOn: &hired, WorkType: &work,
			IsMigrantWorker: r.Float64() < 0.30},
		JoinedOn: joined.Format("2006-01-02"), CardVersion: 1, Version: 1, CreatedAt: joined, UpdatedAt: joined}
	if r.Float64() < 0.08 {
		agency, agencyUSCC := "湖北众联劳务派遣有限公司", benchUSCC("420100", 9_000_000+r.IntN(1000))
		m.IsDispatched, m.DispatchAgencyName, m.DispatchAgencyUSCC = true, &agency, &agencyUSCC
	}
	return nil
}

// applications inserts submitted applications, each by a user of its own:
// IntakeShare of them at the intake points, if any (workers whose
// employer has no union, in floating employment), and of the others
// three quarters at the first union (its chair's pending queue), the rest
// spread over the unions; submitted over the last 30 working days with
// their due dates, so that about half are overdue. They are committed in
// chunks, so a million rows never make one transaction. It returns how
// many it made, how many of them are overdue and how many went to intake
// points.
func (b *bench) applications(ctx context.Context) (int, int, int, error) {
	n := b.o.Applications
	if n <= 0 {
		return 0, 0, 0, nil
	}
	r := rand.New(rand.NewPCG(b.o.Seed, 1<<62))
	now := b.o.Now
	days := b.submissionDays()
	overdue, intake := 0, 0
	chunk := 10 * b.batch
	users := make([]model.User, 0, chunk)
	apps := make([]model.Application, 0, chunk)
	start := time.Now()
	for done := 0; done < n; {
		users, apps = users[:0], apps[:0]
		for i := done; i < n && i < done+chunk; i++ {
			u := b.unions[0]
			if i%4 == 3 {
				u = b.unions[r.IntN(len(b.unions))]
			}
			toIntake := b.toIntake(i)
			if toIntake {
				u = b.intake[r.IntN(len(b.intake))]
				intake++
			}
			var m model.Member
			// Beyond the members' indexes: distinct from every member's ID number.
			if err := b.member(r, u, b.o.Members+i, &m); err != nil {
				return 0, 0, 0, err
			}
			if toIntake {
				m.Employment = intakeEmployment(u, i)
			}
			user := model.User{ID: model.NewID(), OpenID: fmt.Sprintf("bench-applicant-%d-%d", b.o.Seed, i),
				CreatedAt: now, UpdatedAt: now}
			users = append(users, user)
			day := days[r.IntN(len(days))]
			at := day.start.Add(time.Duration(r.Int64N(int64(day.span))))
			if day.overdue {
				overdue++
			}
			appID := model.NewID()
			idEnc, err := b.cipher.Reseal(pii.MemberIDNumber.Row(m.ID), pii.ApplicationIDNumber.Row(appID), m.IDNumberEnc)
			if err != nil {
				return 0, 0, 0, err
			}
			phoneEnc, err := b.cipher.Reseal(pii.MemberPhone.Row(m.ID), pii.ApplicationPhone.Row(appID), *m.PhoneEnc)
			if err != nil {
				return 0, 0, 0, err
			}
			apps = append(apps, model.Application{ID: appID, UserID: user.ID, OrgID: u.ID,
				Status: model.AppSubmitted, Version: 1, OpenKey: &users[len(users)-1].ID, Person: m.Person,
				IDNumberEnc: &idEnc, IDNumberIdx: &m.IDNumberIdx, PhoneEnc: &phoneEnc,
				Employment: m.Employment, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at, DueOn: &day.due})
		}
		err := model.InTx(ctx, b.db, func(ctx context.Context) error {
			db := model.Conn(ctx, b.db)
			if err := db.CreateInBatches(users, b.batch).Error; err != nil {
				return model.Translate(err)
			}
			return model.Translate(db.CreateInBatches(apps, b.batch).Error)
		})
		if err != nil {
			return 0, 0, 0, err
		}
		before := done
		done += len(apps)
		if done/50000 != before/50000 || done == n {
			b.progress("applications: %d/%d (%.0f/s)", done, n, float64(done)/time.Since(start).Seconds())
		}
	}
	return n, overdue, intake, nil
}

// toIntake reports whether application i goes to an intake point: an
// even spread of IntakeShare of them, the same whatever the seed.
func (b *bench) toIntake(i int) bool {
	share := b.o.IntakeShare
	return len(b.intake) > 0 && int(float64(i+1)*share) > int(float64(i)*share)
}

// intakeEmployment is the work of an applicant to intake point o: a
// migrant worker in floating employment at a small employer without a
// union in o's county.
func intakeEmployment(o *model.Org, i int) model.Employment {
	place := strings.TrimSuffix(o.Name, "总工会")
	employer := fmt.Sprintf("%s第%d快递服务站", place, i%40+1)
	job, work := "快递员", "floating"
	return model.Employment{EmployerName: &employer, JobTitle: &job, WorkType: &work, IsMigrantWorker: true}
}

// submissionDay is a working day applications were submitted on: from
// start, within span (up to now for today), due on due.
type submissionDay struct {
	start   time.Time
	span    time.Duration
	due     string
	overdue bool
}

// submissionDays returns today and the 29 working days before it.
func (b *bench) submissionDays() []submissionDay {
	cal, loc := b.o.Calendar, b.o.Location
	if cal == nil {
		cal = calendar.Default()
	}
	if loc == nil {
		loc = time.UTC
	}
	now := b.o.Now.In(loc)
	today := calendar.DateOf(now)
	out := make([]submissionDay, 0, 30)
	for k := range 30 {
		d := cal.AddWorkingDays(today, -k)
		start, span := d.In(loc), 24*time.Hour
		if d == today {
			span = max(now.Sub(start), time.Second)
		}
		due := cal.AddWorkingDays(d, application.DueWorkingDays)
		out = append(out, submissionDay{start: start, span: span, due: due.String(), overdue: due.Before(today)})
	}
	return out
}
