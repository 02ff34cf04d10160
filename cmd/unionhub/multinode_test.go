package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/unionhub/unionhub/config"
	"github.com/unionhub/unionhub/internal/node"
	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/access"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// realServers skips the test unless the environment names a MariaDB and a
// Redis (the gate of every real-server test), and returns the MariaDB.
func realServers(t *testing.T) modeltest.Backend {
	t.Helper()
	dsn := os.Getenv(modeltest.EnvMySQLDSN)
	if dsn == "" || os.Getenv(cachetest.RedisAddrEnv) == "" {
		t.Skip("set " + modeltest.EnvMySQLDSN + " and " + cachetest.RedisAddrEnv + " to run the multi-process tests")
	}
	return modeltest.Backend{Name: "mysql", Driver: model.DialectMySQL, DSN: dsn}
}

// wechatTimeout is the nodes' WeChat client timeout: short, so that the
// slow-WeChat test waits little.
const wechatTimeout = 2 * time.Second

// twoNodes is two serve processes on one database and one Redis, the fake
// WeChat they call, and the database for seeding and checking.
type twoNodes struct {
	a, b    *proc
	fake    *fakewechat.Server
	db      *gorm.DB
	vars    map[string]string
	rootID  int64
	invite  string
	perIP   int
	dataDir string
}

// startTwoNodes starts node A (which migrates the fresh database), then
// node B, sharing the data dir (the development keys), the database, a
// private Redis and the fake WeChat.
func startTwoNodes(t *testing.T) *twoNodes {
	b := realServers(t)
	redis := cachetest.StartServer(t)
	dsn := modeltest.DSNFor(t, b)
	fake := fakewechat.New(fakewechat.Options{})
	fsrv := httptest.NewServer(fake)
	t.Cleanup(fsrv.Close)
	n := &twoNodes{fake: fake, perIP: 5, dataDir: t.TempDir()}
	n.vars = map[string]string{
		"UNIONHUB_DATA_DIR":                           n.dataDir,
		"UNIONHUB_DB_DRIVER":                          model.DialectMySQL,
		"UNIONHUB_DB_DSN":                             dsn,
		"UNIONHUB_REDIS_ADDR":                         redis.Addr,
		"UNIONHUB_WECHAT_API_BASE":                    fsrv.URL,
		"UNIONHUB_WECHAT_APPID":                       fakewechat.DefaultAppID,
		"UNIONHUB_WECHAT_SECRET":                      fakewechat.DefaultSecret,
		"UNIONHUB_TRUSTED_PROXIES":                    "127.0.0.1",
		"UNIONHUB_RATE_LIMIT_PER_IP":                  strconv.Itoa(n.perIP),
		"UNIONHUB_LOG_LEVEL":                          "warn",
		"UNIONHUB_WECHAT_TIMEOUT":                     wechatTimeout.String(),
		"UNIONHUB_WECHAT_TEMPLATE_APPLICATION_RESULT": "tmpl-decision",
	}
	n.a = startServe(t, n.vars)
	n.b = startServe(t, n.vars)
	var boot struct {
		OrgID string `json:"org_id"`
		Code  string `json:"invitation_code"`
	}
	if err := json.Unmarshal([]byte(runProc(t, n.vars, "bootstrap", "--name", "湖北省总工会", "--region", "420000")), &boot); err != nil {
		t.Fatal(err)
	}
	n.rootID, _ = strconv.ParseInt(boot.OrgID, 10, 64)
	n.invite = boot.Code
	db, err := model.Open(context.Background(), model.Options{Driver: model.DialectMySQL, DSN: dsn, MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = model.Close(db) })
	n.db = db
	return n
}

// ipSeq hands every login a client address of its own, so that the low
// per-IP limit of the nodes only bites where a test means it to.
var ipSeq atomic.Int64

func nextIP() string {
	n := ipSeq.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
}

// login signs name in through p and returns the access token and user id.
func (n *twoNodes) login(t *testing.T, p *proc, name string) (string, int64) {
	t.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	p.call("POST", "/api/v1/auth/wechat/login", map[string]string{"code": n.fake.IssueLoginCode(name, "")}, "", nextIP()).
		must(t, http.StatusOK, &out)
	id, _ := strconv.ParseInt(out.User.ID, 10, 64)
	return out.AccessToken, id
}

// TestTwoNodes runs two serve processes on one MariaDB and one Redis: what
// one node changes, the other enforces at once, and shared limits and jobs
// count once.
func TestTwoNodes(t *testing.T) {
	n := startTwoNodes(t)
	ctx := context.Background()

	// The root admin accepts the bootstrap invitation through B.
	admin, _ := n.login(t, n.a, "root-admin")
	n.b.call("POST", "/api/v1/invitations/accept", map[string]string{"code": n.invite}, admin, "").must(t, http.StatusOK, nil)

	t.Run("logout on A is refused on B", func(t *testing.T) {
		tok, _ := n.login(t, n.a, "root-admin")
		n.b.call("GET", "/api/v1/me", nil, tok, "").must(t, http.StatusOK, nil)
		n.a.call("POST", "/api/v1/auth/logout", nil, tok, "").must(t, http.StatusOK, nil)
		n.b.call("GET", "/api/v1/me", nil, tok, "").must(t, http.StatusUnauthorized, nil)
		n.a.call("GET", "/api/v1/me", nil, tok, "").must(t, http.StatusUnauthorized, nil)
		n.b.call("GET", "/api/v1/me", nil, admin, "").must(t, http.StatusOK, nil) // the other session lives on
	})

	t.Run("console login ticket handed over once across nodes", func(t *testing.T) { n.consoleLogin(t, admin) })

	t.Run("per-IP limit counts across nodes", func(t *testing.T) {
		for attempt := 0; ; attempt++ {
			minute := time.Now().Unix() / 60
			ip := nextIP()
			accepted := 0
			for i := range 4 * n.perIP {
				p := n.a
				if i%2 == 1 {
					p = n.b
				}
				r := p.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": "bogus"}, "", ip)
				if r.Status == http.StatusTooManyRequests {
					break
				}
				accepted++
			}
			if time.Now().Unix()/60 != minute && attempt == 0 {
				continue // a window ended during the burst: once more
			}
			if accepted != n.perIP {
				t.Fatalf("%d requests from one IP passed across two nodes, want the limit %d", accepted, n.perIP)
			}
			for _, p := range []*proc{n.a, n.b} {
				p.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": "bogus"}, "", ip).
					must(t, http.StatusTooManyRequests, nil)
			}
			return
		}
	})

	// A union, a member on its roll and a verifier bound at it, written
	// straight into the shared database.
	memberTok, memberUser := n.login(t, n.a, "member")
	verifierTok, verifierUser := n.login(t, n.b, "verifier")
	union := n.seedUnion(t, "武汉光谷制造有限公司工会")
	member := n.seedMember(t, union, memberUser, 1)
	if err := model.NewRoleStore(n.db).Create(ctx, &model.RoleBinding{ID: model.NewID(), UserID: verifierUser,
		OrgID: union.ID, Role: string(access.Verifier), GrantedBy: verifierUser, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}

	t.Run("card suspended through A is refused through B", func(t *testing.T) {
		var card struct {
			QR struct {
				Token string `json:"token"`
			} `json:"qr"`
		}
		n.a.call("GET", "/api/v1/me/card", nil, memberTok, "").must(t, http.StatusOK, &card)
		var res struct {
			Valid  bool   `json:"valid"`
			Reason string `json:"reason"`
		}
		verify := func(p *proc) {
			t.Helper()
			p.call("POST", "/api/v1/verify", map[string]string{"token": card.QR.Token}, verifierTok, "").must(t, http.StatusOK, &res)
		}
		verify(n.b)
		if !res.Valid {
			t.Fatalf("active member refused on B: %s", res.Reason)
		}
		verify(n.a) // both nodes hold the status in the cache now
		n.a.call("POST", "/api/v1/admin/members/"+strconv.FormatInt(member.ID, 10)+"/status",
			map[string]string{"status": model.MemberSuspended, "reason": "多节点测试"}, admin, "").must(t, http.StatusOK, nil)
		verify(n.b)
		if res.Valid || res.Reason != "not_active" {
			t.Fatalf("suspended through A, verified through B: valid %v reason %q, want not_active", res.Valid, res.Reason)
		}
	})

	t.Run("outbox message sent once", func(t *testing.T) {
		const msgs = 20
		notes := notify.New(notify.Deps{DB: n.db})
		for i := range msgs {
			// One accepted subscription per message (the ledger).
			if _, err := notes.Subscribe(ctx, memberUser, map[string]string{"tmpl-multinode": notify.SubscribeAccept}); err != nil {
				t.Fatal(err)
			}
			if err := notes.Notify(ctx, notify.Notification{UserID: memberUser, Kind: "multinode", Title: "测试",
				Subscribe: &wechat.SubscribeMessage{TemplateID: "tmpl-multinode",
					Data: map[string]string{"thing1": strconv.Itoa(i)}}}); err != nil {
				t.Fatal(err)
			}
		}
		sent := func() int {
			c := 0
			for _, m := range n.fake.SentMessages() {
				if m.TemplateID == "tmpl-multinode" {
					c++
				}
			}
			return c
		}
		for deadline := time.Now().Add(20 * time.Second); sent() < msgs; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d messages sent", sent(), msgs)
			}
		}
		time.Sleep(2500 * time.Millisecond) // two more polls of each node
		if got := sent(); got != msgs {
			t.Fatalf("%d messages sent for %d in the outbox: a message went out twice", got, msgs)
		}
		var attempts []int
		if err := n.db.Model(&model.OutboxMessage{}).Where("status = ?", model.OutboxSent).Pluck("attempts", &attempts).Error; err != nil {
			t.Fatal(err)
		}
		if len(attempts) != msgs {
			t.Fatalf("%d messages marked sent, want %d", len(attempts), msgs)
		}
	})
}

// seedUnion creates a grassroots union, open to applications, under the
// root.
func (n *twoNodes) seedUnion(t *testing.T, name string) *model.Org {
	t.Helper()
	ctx := context.Background()
	orgs := model.NewOrgStore(n.db)
	root, err := orgs.Get(ctx, n.rootID)
	if err != nil {
		t.Fatal(err)
	}
	id := model.NewID()
	union := &model.Org{ID: id, ParentID: &root.ID, Path: root.ChildPath(id), Depth: root.Depth + 1,
		Type: model.OrgGrassroots, Name: name, RegionCode: "420106", Status: model.OrgActive,
		AcceptsApplications: true, Version: 1}
	if err := orgs.Create(ctx, union); err != nil {
		t.Fatal(err)
	}
	return union
}

// seedMember puts a member linked to user on union's roll, as the roll
// would hold one; seq makes the ID and member numbers unique.
func (n *twoNodes) seedMember(t *testing.T, union *model.Org, user int64, seq int) *model.Member {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = n.dataDir
	keys, err := node.LoadSecrets(cfg) // the nodes' development keys
	if err != nil {
		t.Fatal(err)
	}
	cipher, err := pii.New(keys.PII)
	if err != nil {
		t.Fatal(err)
	}
	idNumber := fmt.Sprintf("4201061985050512%02d", seq)
	id := model.NewID()
	enc, err := cipher.Encrypt(pii.MemberIDNumber.Row(id), idNumber)
	if err != nil {
		t.Fatal(err)
	}
	idx := cipher.BlindIndex(idNumber)
	male, birth := "male", "1985-05-05"
	m := &model.Member{ID: id, MemberNo: fmt.Sprintf("4201060000%02d", seq), UserID: &user, OrgID: union.ID,
		Status: model.MemberActive, Person: model.Person{Name: "张三丰", IDType: "resident_id", Gender: &male, BirthDate: &birth},
		IDNumberEnc: enc, IDNumberIdx: idx, RollKey: &idx, JoinedOn: "2026-01-05", CardVersion: 1, Version: 1}
	if err := model.NewMemberStore(n.db).Create(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}
