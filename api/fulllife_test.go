package api_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service/account"
	"github.com/unionhub/unionhub/service/blob"
	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/cache/cachetest"
	"github.com/unionhub/unionhub/service/privacy"
	"github.com/unionhub/unionhub/service/wechat/fakewechat"
)

// publishNotice replaces the node's privacy notice with a new version, as
// a restart with another UNIONHUB_PRIVACY_NOTICE_FILE would.
func (e *testEnv) publishNotice(version string) {
	e.t.Helper()
	next := *privacy.Default()
	next.Version = version
	next.PublishedAt = e.clock.Now()
	if err := next.Validate(); err != nil {
		e.t.Fatal(err)
	}
	*e.notice = next
}

// personalTrace is what is held about one person, read before their
// account is cancelled: the values to look for afterwards.
type personalTrace struct {
	userID    int64
	values    map[string]string // label → a value nothing may hold afterwards
	rollOnly  map[string]string // label → a value only the roll (members) may hold
	blobKeys  []string          // files in storage
	cacheKeys []string          // cache keys about the user
}

// traceOf reads what is held about m.
func traceOf(t *testing.T, e *testEnv, m enrolled, name string, texts ...string) personalTrace {
	t.Helper()
	uid := mustID(t, m.UserID)
	u, err := model.NewUserStore(e.db).Get(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	tr := personalTrace{userID: uid, values: map[string]string{"openid": u.OpenID, "phone": m.phone,
		"id number": m.idNumber, "users.phone_enc": *u.PhoneEnc},
		rollOnly: map[string]string{"name": name, "users.phone_idx": *u.PhoneIdx}}
	for i, s := range texts {
		tr.values[fmt.Sprintf("text %d", i)] = s
	}
	var apps []model.Application
	if err := e.db.Where("user_id = ?", uid).Find(&apps).Error; err != nil {
		t.Fatal(err)
	}
	for i, a := range apps {
		tr.values[fmt.Sprintf("applications[%d].id_number_enc", i)] = *a.IDNumberEnc
		tr.values[fmt.Sprintf("applications[%d].phone_enc", i)] = *a.PhoneEnc
		tr.rollOnly[fmt.Sprintf("applications[%d].id_number_idx", i)] = *a.IDNumberIdx
	}
	var ups []model.Upload
	if err := e.db.Where("owner_id = ?", uid).Find(&ups).Error; err != nil {
		t.Fatal(err)
	}
	for _, u := range ups {
		tr.blobKeys = append(tr.blobKeys, u.StorageKey)
		tr.values["upload "+u.StorageKey] = u.StorageKey
	}
	var files []model.JobFile
	if err := e.db.Where("owner_id = ?", uid).Find(&files).Error; err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for i := range f.Parts {
			tr.blobKeys = append(tr.blobKeys, fmt.Sprintf("%s/%d", f.StoragePrefix, i))
		}
	}
	var sids []int64
	e.db.Model(&model.Session{}).Where("user_id = ?", uid).Pluck("id", &sids)
	for _, sid := range sids {
		tr.cacheKeys = append(tr.cacheKeys, fmt.Sprintf("sess:%d", sid))
	}
	tr.cacheKeys = append(tr.cacheKeys, fmt.Sprintf("{u:%d}:", uid))
	return tr
}

// checkNothingLeft scans every column of every table, every file named
// before and every cache entry for what tr holds.
func checkNothingLeft(t *testing.T, e *testEnv, tr personalTrace) {
	t.Helper()
	tables, err := e.db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var rows []map[string]any
		if err := e.db.Table(table).Find(&rows).Error; err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for _, row := range rows {
			for col, v := range row {
				s := text(v)
				if s == "" {
					continue
				}
				for label, needle := range tr.values {
					if strings.Contains(s, needle) {
						t.Errorf("%s.%s still holds the %s", table, col, label)
					}
				}
				for label, needle := range tr.rollOnly {
					if table != "members" && strings.Contains(s, needle) {
						t.Errorf("%s.%s holds the %s (only the roll may)", table, col, label)
					}
				}
			}
		}
	}
	for _, k := range tr.blobKeys {
		if _, err := e.bg.blobs.Get(context.Background(), k); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("file %s is still in storage (%v)", k, err)
		}
	}
	for k, v := range cacheEntries(t, e) {
		for _, prefix := range tr.cacheKeys {
			if strings.HasPrefix(k, prefix) {
				t.Errorf("cache key %s about the user is left", k)
			}
		}
		for label, needle := range mergedNeedles(tr) {
			if strings.Contains(k, needle) || strings.Contains(v, needle) {
				t.Errorf("cache entry %s holds the %s", k, label)
			}
		}
	}
}

func mergedNeedles(tr personalTrace) map[string]string {
	out := make(map[string]string, len(tr.values)+len(tr.rollOnly))
	for k, v := range tr.values {
		out[k] = v
	}
	for k, v := range tr.rollOnly {
		out[k] = v
	}
	return out
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}

// cacheEntries returns every live entry of the node's cache (keys without
// the test's prefix on Redis).
func cacheEntries(t *testing.T, e *testEnv) map[string]string {
	t.Helper()
	switch c := e.cache.(type) {
	case *cache.Memory:
		return c.Snapshot()
	case *cache.Prefixed:
		ctx := context.Background()
		client := redis.NewClient(&redis.Options{Addr: os.Getenv(cachetest.RedisAddrEnv)})
		defer client.Close()
		out := map[string]string{}
		iter := client.Scan(ctx, 0, c.Prefix()+"*", 1000).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			v, err := client.Get(ctx, k).Result()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(k, c.Prefix())] = v
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("cache %T cannot be scanned", e.cache)
	return nil
}

// TestFullLifeOfOnePerson (issue 14's Done-when): consent to notice v1 →
// apply → approved → notice v2 → re-consent → a data export downloaded and
// opened → a correction requested and approved → record_changed seen →
// cancellation requested, withdrawn, requested again → after the
// cooling-off nothing personal is left in any table, file or cache entry;
// the member is still on the roll without a user; the audit chain holds.
func TestFullLifeOfOnePerson(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		const name = "欧阳晓岚"
		var notice noticeView
		e.do("GET", "/api/v1/privacy/notice", nil, "").expect(t, 200, 0).decode(t, &notice)
		a := e.newApplicant("13912340001", idNumber("19920214", 321)) // consents to v1
		form := a.form(tr.u1)
		form["name"], form["submit"] = name, true
		var app appView
		e.do("POST", "/api/v1/applications", form, a.Access).expect(t, 201, 0).decode(t, &app)
		var approved struct {
			Member struct {
				ID string `json:"id"`
			} `json:"member"`
		}
		e.do("POST", "/api/v1/admin/applications/"+app.ID+"/approve", map[string]any{"version": app.Version},
			tr.chair1.Access).expect(t, 200, 0).decode(t, &approved)
		m := enrolled{applicant: a, MemberID: approved.Member.ID}

		e.publishNotice("2027-01")
		var me struct {
			ConsentCurrent bool `json:"consent_current"`
		}
		e.do("GET", "/api/v1/me", nil, m.Access).expect(t, 200, 0).decode(t, &me)
		if me.ConsentCurrent || notice.Version != "2026-11" {
			t.Fatalf("after notice v2: consent_current %v (v1 was %s)", me.ConsentCurrent, notice.Version)
		}
		e.uploadRaw(m.Access, "photo", jpegBytes(t)).expect(t, 422, 40001).expectField(t, "consent")
		e.myCard(m.session) // the card keeps working
		e.do("POST", "/api/v1/me/consents", map[string]any{"version": "2027-01", "personal_info": true,
			"sensitive_info": true, "share_upward": true}, m.Access).expect(t, 201, 0)
		e.do("GET", "/api/v1/me", nil, m.Access).expect(t, 200, 0).decode(t, &me)
		if !me.ConsentCurrent {
			t.Fatal("re-consent to v2 is not current")
		}

		var job struct {
			JobID string `json:"job_id"`
		}
		e.do("POST", "/api/v1/me/data-exports", nil, m.Access).expect(t, 202, 0).decode(t, &job)
		e.bg.drain()
		zr := downloadZip(t, e, m.session, job.JobID)
		if !strings.Contains(string(zipFile(t, zr, "data.json")), m.idNumber) || len(zipFile(t, zr, "data.xlsx")) == 0 {
			t.Fatal("the export lacks data.json with the ID number, or data.xlsx")
		}

		const correctionReason = "岗位登记有误请更正"
		var corr rightsView
		e.do("POST", "/api/v1/me/correction-requests", map[string]any{"kind": "correction",
			"fields": map[string]any{"education": "大学专科"}, "reason": correctionReason}, m.Access).
			expect(t, 201, 0).decode(t, &corr)
		e.do("POST", "/api/v1/admin/rights-requests/"+corr.ID+"/approve", map[string]any{"version": corr.Version},
			tr.chair1.Access).expect(t, 200, 0)
		eventID, _ := e.latestEvent(tr.chair1, m.MemberID)
		if notes := e.recordChanged(m.session); len(notes) == 0 || notes[0].Data["event_id"] != eventID {
			t.Fatalf("record_changed: %+v, want event %s", notes, eventID)
		}

		const deactivationReason = "本人不再需要此账号"
		body := map[string]any{"reason": deactivationReason}
		e.do("POST", "/api/v1/me/deactivation", body, m.Access).expect(t, 201, 0)
		e.do("DELETE", "/api/v1/me/deactivation", nil, m.Access).expect(t, 200, 0)
		e.do("POST", "/api/v1/me/deactivation", body, m.Access).expect(t, 201, 0)
		trace := traceOf(t, e, m, name, deactivationReason)
		if len(trace.blobKeys) < 4 {
			t.Fatalf("only %d files to look for", len(trace.blobKeys))
		}

		e.clock.Advance(7*24*time.Hour + time.Minute)
		tr.chair1 = e.refreshed(tr.chair1)
		if !e.runDeactivations(context.Background(), "node-a", account.Config{}) {
			t.Fatal("the deletion task did not run")
		}
		checkNothingLeft(t, e, trace)
		var member struct {
			Status   string `json:"status"`
			MemberNo string `json:"member_no"`
		}
		e.do("GET", "/api/v1/admin/members/"+m.MemberID, nil, tr.chair1.Access).expect(t, 200, 0).decode(t, &member)
		if member.Status != "active" {
			t.Errorf("the member is %s, want still active on the roll", member.Status)
		}
		if n := e.count(t, "members", "id = ? AND user_id IS NULL", mustID(t, m.MemberID)); n != 1 {
			t.Error("the member is still linked to the account")
		}
		if n := e.count(t, "consents", "user_id = ? AND withdrawn_at IS NOT NULL", trace.userID); n != 2 {
			t.Errorf("%d consent records kept as withdrawn, want 2", n)
		}
		if n, b, err := e.audit.Verify(context.Background()); err != nil || b != nil || n == 0 {
			t.Fatalf("audit chain: %d checked, break %+v, %v", n, b, err)
		}
	})
}

// TestPushCancellationDeletesAccount: WeChat's cancellation event (signed
// and encrypted by the fake WeChat) skips the cooling-off of a pending
// request and the account is deleted by the next run; a replay of the
// event changes nothing; a push with a bad signature is 403.
func TestPushCancellationDeletesAccount(t *testing.T) {
	t.Parallel() // own databases
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		m := tr.member(tr.u1)
		openid := e.openidOf(t, m.UserID)
		e.do("POST", "/api/v1/me/deactivation", map[string]any{"reason": "不用了"}, m.Access).expect(t, 201, 0)
		ev := fakewechat.PushEvent{Event: "user_authorization_cancellation", OpenID: openid}

		forged := e.pushTarget()
		forged.Token = "NotTheConsoleToken"
		if r := e.push(t, forged, ev); r.Status != 403 {
			t.Fatalf("a push with a bad signature: %d %s", r.Status, r.Raw)
		}
		if n := e.count(t, "deactivation_requests", "user_id = ? AND effective_at <= ?", mustID(t, m.UserID), e.clock.Now().UTC()); n != 0 {
			t.Fatal("the forged push made the request due")
		}

		target := e.pushTarget()
		pushedOK(t, e.push(t, target, ev))
		if !e.runDeactivations(context.Background(), "node-a", account.Config{}) {
			t.Fatal("the deletion task did not run")
		}
		if n := e.count(t, "deactivation_requests", "user_id = ? AND status = 'done'", mustID(t, m.UserID)); n != 1 {
			t.Fatalf("%d requests carried out, want 1 (no cooling-off after WeChat's cancellation)", n)
		}
		fresh := e.login(openid)
		if fresh.UserID == m.UserID {
			t.Fatal("the WeChat account still logs in as the deleted user")
		}
		pushedOK(t, e.push(t, target, ev)) // replayed
		e.do("GET", "/api/v1/me", nil, fresh.Access).expect(t, 200, 0)
		if n := e.count(t, "deactivation_requests", "user_id IN ?", []int64{mustID(t, m.UserID), mustID(t, fresh.UserID)}); n != 1 {
			t.Fatalf("the replay changed the requests: %d", n)
		}
	})
}
