package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/notify"
	"github.com/unionhub/unionhub/service/wechat"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// oneNode starts one serve process on SQLite (in its own data dir), a
// private redis-server and a fake WeChat, with vars on top.
func oneNode(t *testing.T, vars map[string]string) (*proc, *cachetest.Server, *fakewechat.Server) {
	t.Helper()
	realServers(t)
	redis := cachetest.StartServer(t)
	fake := fakewechat.New(fakewechat.Options{})
	fsrv := httptest.NewServer(fake)
	t.Cleanup(fsrv.Close)
	v := map[string]string{
		"UNIONHUB_DATA_DIR":        t.TempDir(),
		"UNIONHUB_REDIS_ADDR":      redis.Addr,
		"UNIONHUB_WECHAT_API_BASE": fsrv.URL,
		"UNIONHUB_WECHAT_APPID":    fakewechat.DefaultAppID,
		"UNIONHUB_WECHAT_SECRET":   fakewechat.DefaultSecret,
		"UNIONHUB_LOG_LEVEL":       "warn",
	}
	for k, x := range vars {
		v[k] = x
	}
	return startServe(t, v), redis, fake
}

// noPanic fails the test if the process logged a panic.
func noPanic(t *testing.T, p *proc) {
	t.Helper()
	if strings.Contains(p.logs.String(), "panic") {
		t.Errorf("the process logged a panic:\n%s", p.logs.String())
	}
}

// TestRedisOutage stops the node's Redis: readiness and logins answer
// 503/50300 at once (no hang, no panic), and the node recovers by itself
// when Redis is back.
func TestRedisOutage(t *testing.T) {
	p, redis, fake := oneNode(t, nil)
	login := func() reply {
		return p.call("POST", "/api/v1/auth/wechat/login", map[string]string{"code": fake.IssueLoginCode("outage", "")}, "", "")
	}
	p.call("GET", "/readyz", nil, "", "").must(t, http.StatusOK, nil)
	login().must(t, http.StatusOK, nil)

	redis.Stop()
	for _, r := range []func() reply{func() reply { return p.call("GET", "/readyz", nil, "", "") }, login} {
		start := time.Now()
		got := r()
		if got.Status != http.StatusServiceUnavailable || got.Code != 50300 {
			t.Errorf("with Redis down: status %d code %d %q, want 503/50300", got.Status, got.Code, got.Message)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("with Redis down the answer took %v", d)
		}
	}

	redis.Start()
	deadline := time.Now().Add(15 * time.Second)
	for p.call("GET", "/readyz", nil, "", "").Status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not ready 15 s after Redis returned")
		}
		time.Sleep(100 * time.Millisecond)
	}
	login().must(t, http.StatusOK, nil)
	noPanic(t, p)
}

// TestWeChatSlowAndDown: a WeChat slower than the client timeout fails a
// login with 502 within the timeout; subscribe messages queued while WeChat
// fails are delivered once it answers again.
func TestWeChatSlowAndDown(t *testing.T) {
	n := startTwoNodes(t)
	// Slow: an answer later than the nodes' client timeout.
	n.fake.DelayNext("/sns/jscode2session", 1, 3*wechatTimeout)
	start := time.Now()
	r := n.a.call("POST", "/api/v1/auth/wechat/login", map[string]string{"code": n.fake.IssueLoginCode("slow", "")}, "", nextIP())
	if r.Status != http.StatusBadGateway {
		t.Errorf("login with WeChat slow: status %d code %d %q, want 502", r.Status, r.Code, r.Message)
	}
	if d := time.Since(start); d > wechatTimeout+2*time.Second { // well before the answer
		t.Errorf("login with WeChat slow took %v, want within the client timeout", d)
	}

	// Down: every subscribe send fails for a while. A decision (a transfer
	// approved by the root admin) commits all the same, and its subscribe
	// message waits in the outbox and goes out when WeChat answers again.
	admin, _ := n.login(t, n.a, "root-admin")
	n.a.call("POST", "/api/v1/invitations/accept", map[string]string{"code": n.invite}, admin, "").must(t, http.StatusOK, nil)
	moverTok, mover := n.login(t, n.b, "mover")
	from, to := n.seedUnion(t, "武汉光谷制造有限公司工会"), n.seedUnion(t, "武汉东湖物流有限公司工会")
	member := n.seedMember(t, from, mover, 1)
	n.fake.Inject("/cgi-bin/message/subscribe/send", 4, fakewechat.Fault{Status: http.StatusBadGateway})
	var tr struct {
		ID string `json:"id"`
	}
	n.b.call("POST", "/api/v1/me/transfers", map[string]string{"to_org_id": strconv.FormatInt(to.ID, 10), "reason": "工作调动"},
		moverTok, "").must(t, http.StatusCreated, &tr)
	n.a.call("POST", "/api/v1/admin/transfers/"+tr.ID+"/approve", map[string]string{}, admin, "").must(t, http.StatusOK, nil)
	var moved model.Member
	if err := n.db.Take(&moved, member.ID).Error; err != nil || moved.OrgID != to.ID {
		t.Fatalf("approved transfer not committed: org %d, %v", moved.OrgID, err)
	}
	var notes []map[string]any
	n.a.call("GET", "/api/v1/me/notifications", nil, moverTok, "").must(t, http.StatusOK, &struct {
		Items *[]map[string]any `json:"items"`
	}{&notes})
	if len(notes) == 0 {
		t.Error("the approved transfer left the mover no notice")
	}
	// A transfer decision sends no subscribe message; an application
	// decision does, through the same outbox: queue such messages while
	// WeChat still fails, and see them delivered, once each, when it answers.
	queue := notify.New(notify.Deps{DB: n.db})
	const msgs = 3
	for range msgs {
		// The mover accepted one subscription per message (the ledger).
		if _, err := queue.Subscribe(context.Background(), mover, map[string]string{"tmpl-decision": notify.SubscribeAccept}); err != nil {
			t.Fatal(err)
		}
		if err := queue.Notify(context.Background(), notify.Notification{UserID: mover, Kind: "application_approved",
			Title: "测试", Subscribe: &wechat.SubscribeMessage{TemplateID: "tmpl-decision",
				Data: map[string]string{"thing1": "x"}}}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); len(n.fake.SentMessages()) < msgs; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			var rows []model.OutboxMessage
			_ = n.db.Find(&rows).Error
			t.Fatalf("%d of %d messages delivered after WeChat returned; outbox %+v", len(n.fake.SentMessages()), msgs, rows)
		}
	}
	time.Sleep(1500 * time.Millisecond) // another poll of each node
	if sent := n.fake.SentMessages(); len(sent) != msgs || sent[0].ToUser != "mover" {
		t.Errorf("sent %+v, want %d messages to the mover", sent, msgs)
	}
	if c := n.fake.Count("/cgi-bin/message/subscribe/send"); c <= msgs {
		t.Errorf("%d sends for %d messages: the outage was never hit", c, msgs)
	}
	noPanic(t, n.a)
	noPanic(t, n.b)
}

// TestSIGTERMUnderLoad sends a real SIGTERM to a serve process while
// requests are in flight: every one of them completes, then the process
// exits cleanly.
func TestSIGTERMUnderLoad(t *testing.T) {
	p, _, fake := oneNode(t, nil)
	const inflight = 8
	fake.DelayNext("/sns/jscode2session", inflight, 700*time.Millisecond)
	codes := make([]string, inflight)
	for i := range codes {
		codes[i] = fake.IssueLoginCode("sigterm-"+string(rune('a'+i)), "")
	}
	var wg sync.WaitGroup
	results := make([]reply, inflight)
	for i := range inflight {
		wg.Go(func() {
			results[i] = p.call("POST", "/api/v1/auth/wechat/login", map[string]string{"code": codes[i]}, "", "")
		})
	}
	for deadline := time.Now().Add(10 * time.Second); fake.Count("/sns/jscode2session") < inflight; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d logins reached WeChat", fake.Count("/sns/jscode2session"))
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, r := range results {
		if r.Status != http.StatusOK || r.Code != 0 {
			t.Errorf("in-flight login %d: status %d code %d %q", i, r.Status, r.Code, r.Message)
		}
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("exit after SIGTERM: %v", p.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("process did not exit after SIGTERM")
	}
	noPanic(t, p)
}
