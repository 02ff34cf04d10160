package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/org"
	"github.com/unionhub/unionhub/service/stats"
)

// demoProvince is the made-up province of seed-demo: cities, their
// districts, and the employers whose unions sit in each district.
var demoProvince = []struct {
	city, region string
	districts    []struct{ name, region string }
}{
	{"武汉市总工会", "420100", []struct{ name, region string }{{"江岸区总工会", "420102"}, {"洪山区总工会", "420111"}}},
	{"宜昌市总工会", "420500", []struct{ name, region string }{{"西陵区总工会", "420502"}, {"夷陵区总工会", "420506"}}},
	{"襄阳市总工会", "420600", []struct{ name, region string }{{"襄城区总工会", "420602"}, {"樊城区总工会", "420606"}}},
}

var demoEmployers = []struct{ name, unitType, industry string }{
	{"长江精密制造有限公司", "enterprise", "C3484"},
	{"楚天物流股份有限公司", "enterprise", "G5438"},
	{"汉水建筑工程有限公司", "enterprise", "E4790"},
	{"江城餐饮管理有限公司", "enterprise", "H6210"},
	{"荆楚家政服务有限公司", "enterprise", "O8010"},
}

// seedDemoCmd creates a small realistic province for local development and
// screenshots: the root federation, 3 cities, 6 districts, and in each
// district 5 single-employer unions with valid credit codes and one joint
// union for floating workers. It refuses a database that already has orgs
// below the root. The monitoring counters are right when it returns.
func seedDemoCmd(ctx context.Context, cfg config.Config, log *slog.Logger, e env) error {
	auditKey, err := node.AuditKey(cfg)
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
	// The stats service counts every org as it is created, as a node's
	// does: the overview shows the demo's workers and unions, and `stats
	// reconcile` finds no drift right after.
	env := service.Env{Location: cfg.Location(), Log: log}
	st := stats.New(env, stats.Deps{DB: db})
	orgs := org.New(env, org.Deps{DB: db, Counter: st, Audit: audit.New(db, auditKey, nil, log)}, org.Config{})
	root, inv, err := orgs.Bootstrap(ctx, "湖北省总工会", "420000")
	if err != nil {
		return err
	}
	if n, err := model.NewOrgStore(db).CountActiveChildren(ctx, root.ID); err != nil || n > 0 {
		if err == nil {
			err = fmt.Errorf("the province already has %d orgs below the root: seed-demo only fills an empty database", n)
		}
		return err
	}
	sc := access.Scope{Bindings: []access.Binding{{OrgID: root.ID, OrgPath: root.Path, Role: access.FederationAdmin}}}
	str := func(s string) *string { return &s }
	fed, grass, joint := model.OrgFederation, model.OrgGrassroots, model.UnionJoint
	unions, seq := 0, 0
	for _, city := range demoProvince {
		c, err := orgs.Create(ctx, sc, root.ID, org.Input{Name: str(city.city), Type: &fed, RegionCode: str(city.region)})
		if err != nil {
			return fmt.Errorf("%s: %w", city.city, err)
		}
		for _, d := range city.districts {
			dist, err := orgs.Create(ctx, sc, c.ID, org.Input{Name: str(d.name), Type: &fed, RegionCode: str(d.region)})
			if err != nil {
				return fmt.Errorf("%s: %w", d.name, err)
			}
			area := d.name[:len(d.name)-len("总工会")]
			for _, emp := range demoEmployers {
				seq++
				workers := 80 + seq*37%900
				accepts := true
				uscc, err := demoUSCC(d.region, seq)
				if err != nil {
					return err
				}
				if _, err := orgs.Create(ctx, sc, dist.ID, org.Input{Name: str(area + emp.name + "工会委员会"), Type: &grass,
					RegionCode: str(d.region), UnitName: str(area + emp.name), USCC: &uscc, UnitType: str(emp.unitType),
					IndustryCode: str(emp.industry), Address: str(area + "建设大道" + strconv.Itoa(seq) + "号"),
					WorkerCount: &workers, AcceptsApplications: &accepts}); err != nil {
					return fmt.Errorf("%s%s: %w", area, emp.name, err)
				}
				unions++
			}
			workers := 1200
			if _, err := orgs.Create(ctx, sc, dist.ID, org.Input{Name: str(area + "新就业形态联合工会委员会"), Type: &grass,
				UnionKind: &joint, RegionCode: str(d.region), WorkerCount: &workers}); err != nil {
				return err
			}
			unions++
		}
	}
	return json.NewEncoder(e.stdout).Encode(map[string]any{"org_id": strconv.FormatInt(root.ID, 10),
		"invitation_code": inv.Code, "grassroots_unions": unions})
}

// demoUSCC makes a valid enterprise credit code (91…) in region, with the
// organisation code's own check character right as well.
func demoUSCC(region string, n int) (string, error) {
	orgCode := fmt.Sprintf("MA%06d", n%1000000)
	values := func(b byte) int {
		if b >= '0' && b <= '9' {
			return int(b - '0')
		}
		return int(b-'A') + 10
	}
	weights := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += values(orgCode[i]) * w
	}
	check := "0123456789X0"[11-sum%11]
	first17 := "91" + region + orgCode + string(check)
	cc, err := codes.USCCCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(cc), nil
}
