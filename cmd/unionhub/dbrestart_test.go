package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/model/modeltest"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// TestMariaDBRestart restarts the node's MariaDB while admins change
// member statuses: requests fail cleanly (5xx envelopes, no panic) while it
// is down, the node recovers by itself, and every change that was answered
// 200 is in the database, with one history event each.
func TestMariaDBRestart(t *testing.T) {
	realServers(t)
	maria := startMariaDB(t)
	dsn := modeltest.DSNFor(t, modeltest.Backend{Name: "mysql", Driver: model.DialectMySQL, DSN: maria.DSN})
	redis := cachetest.StartServer(t)
	fake := fakewechat.New(fakewechat.Options{})
	fsrv := httptest.NewServer(fake)
	t.Cleanup(fsrv.Close)
	n := &twoNodes{fake: fake, dataDir: t.TempDir()}
	n.vars = map[string]string{
		"UNIONHUB_DATA_DIR":        n.dataDir,
		"UNIONHUB_DB_DRIVER":       model.DialectMySQL,
		"UNIONHUB_DB_DSN":          dsn,
		"UNIONHUB_REDIS_ADDR":      redis.Addr,
		"UNIONHUB_WECHAT_API_BASE": fsrv.URL,
		"UNIONHUB_WECHAT_APPID":    fakewechat.DefaultAppID,
		"UNIONHUB_WECHAT_SECRET":   fakewechat.DefaultSecret,
		"UNIONHUB_LOG_LEVEL":       "warn",
	}
	p := startServe(t, n.vars)
	n.a = p
	var boot struct {
		OrgID string `json:"org_id"`
		Code  string `json:"invitation_code"`
	}
	if err := json.Unmarshal([]byte(runProc(t, n.vars, "bootstrap", "--name", "湖北省总工会", "--region", "420000")), &boot); err != nil {
		t.Fatal(err)
	}
	n.rootID, _ = strconv.ParseInt(boot.OrgID, 10, 64)
	db, err := model.Open(context.Background(), model.Options{Driver: model.DialectMySQL, DSN: dsn, MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = model.Close(db) })
	n.db = db
	admin, _ := n.login(t, p, "root-admin")
	p.call("POST", "/api/v1/invitations/accept", map[string]string{"code": boot.Code}, admin, "").must(t, http.StatusOK, nil)
	union := n.seedUnion(t, "武汉光谷制造有限公司工会")

	const workers = 4
	members := make([]*model.Member, workers)
	for i := range members {
		_, user := n.login(t, p, "worker-"+strconv.Itoa(i))
		members[i] = n.seedMember(t, union, user, i+1)
	}
	// Each worker flips its member between active and suspended until
	// stopped, remembering the answers.
	type tally struct {
		ok, failed  int
		unconfirmed int    // 5xx answers whose change had committed all the same
		afterFail   bool   // the previous answer was a 5xx
		last        string // status of the last change answered 200
		bad         []string
	}
	tallies := make([]tally, workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			tl := &tallies[i]
			tl.last = model.MemberActive
			path := "/api/v1/admin/members/" + strconv.FormatInt(members[i].ID, 10) + "/status"
			for {
				select {
				case <-stop:
					return
				default:
				}
				to := model.MemberSuspended
				if tl.last == model.MemberSuspended {
					to = model.MemberActive
				}
				r, err := p.try("POST", path, map[string]string{"status": to, "reason": "重启测试"}, admin, "")
				afterFail := tl.afterFail
				tl.afterFail = false
				switch {
				case err != nil:
					tl.bad = append(tl.bad, err.Error())
				case r.Status == http.StatusOK:
					tl.ok++
					tl.last = to
				case r.Status >= 500 && r.Code >= 50000:
					tl.failed++
					tl.afterFail = true
					time.Sleep(20 * time.Millisecond)
					continue
				case r.Status == http.StatusConflict && afterFail:
					// The change failed with a 5xx but had committed (the
					// connection died after COMMIT): the retry finds the
					// member already there. Never lost, only unconfirmed.
					tl.unconfirmed++
					tl.last = to
				default:
					tl.bad = append(tl.bad, strconv.Itoa(r.Status)+" "+strconv.Itoa(r.Code)+" "+r.Message)
				}
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	maria.Stop()
	time.Sleep(time.Second)
	maria.Start()
	deadline := time.Now().Add(20 * time.Second)
	for p.call("GET", "/readyz", nil, "", "").Status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not ready 20 s after MariaDB returned")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // changes after the recovery
	close(stop)
	wg.Wait()

	failed := 0
	for i, tl := range tallies {
		failed += tl.failed
		if len(tl.bad) > 0 {
			t.Errorf("worker %d: answers that are not clean: %q", i, tl.bad)
		}
		var m model.Member
		if err := db.Take(&m, members[i].ID).Error; err != nil {
			t.Fatal(err)
		}
		if m.Status != tl.last {
			t.Errorf("member %d is %s, the last change answered 200 made it %s", i, m.Status, tl.last)
		}
		var events int64
		if err := db.Model(&model.MembershipEvent{}).Where("member_id = ?", m.ID).Count(&events).Error; err != nil {
			t.Fatal(err)
		}
		if events != int64(tl.ok+tl.unconfirmed) {
			t.Errorf("member %d: %d status changes answered 200 and %d unconfirmed, %d history events",
				i, tl.ok, tl.unconfirmed, events)
		}
		if tl.ok == 0 {
			t.Errorf("worker %d never got a change through", i)
		}
	}
	if failed == 0 {
		t.Error("no request failed while MariaDB was down: the restart was not hit")
	}
	t.Logf("%d failed cleanly during the restart; changes committed: %+v", failed, tallies)
	noPanic(t, p)
}
