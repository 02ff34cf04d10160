package api_test

import (
	"strconv"
	"testing"
	"time"
)

// shanghaiMidnight is the next midnight in Beijing time after now.
func shanghaiMidnight(t *testing.T, now time.Time) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// expectLimited fails unless r is 429/42900 with Retry-After of want.
func expectLimited(t *testing.T, r reply, want time.Duration) {
	t.Helper()
	r.expect(t, 429, 42900)
	if got := r.Header.Get("Retry-After"); got != strconv.Itoa(int(want.Seconds())) {
		t.Fatalf("Retry-After %q, want %v", got, want)
	}
}

// refreshed returns s with a fresh access token (the clock moved past its
// expiry).
func (e *testEnv) refreshed(s session) session {
	e.t.Helper()
	var next struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	e.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.Refresh}, "").expect(e.t, 200, 0).decode(e.t, &next)
	s.Access, s.Refresh = next.AccessToken, next.RefreshToken
	return s
}

// notLimited fails when r was refused by a limit or for its token.
func notLimited(t *testing.T, what string, r reply) {
	t.Helper()
	if r.Status == 429 || r.Status == 401 {
		t.Fatalf("%s: %s", what, r.Raw)
	}
}

// TestPerUserLimits: one account's application writes and uploads are
// limited per minute and per day (Beijing time), whatever they answer, and
// another account is not held back by them.
func TestPerUserLimits(t *testing.T) {
	t.Parallel() // own databases and clocks
	eachBackend(t, func(t *testing.T, e *testEnv) {
		writes := []func(s session) reply{
			func(s session) reply { return e.do("POST", "/api/v1/applications", "{", s.Access) },
			func(s session) reply { return e.do("PUT", "/api/v1/applications/x", map[string]any{}, s.Access) },
			func(s session) reply { return e.do("POST", "/api/v1/applications/x/submit", nil, s.Access) },
		}
		tests := []struct {
			name              string
			send              []func(s session) reply // used in turn
			perMinute, perDay int
		}{
			{"application writes", writes, 20, 100},
			{"uploads", []func(s session) reply{func(s session) reply { return e.uploadRaw(s.Access, "", nil) }}, 20, 60},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u := e.login(uniqueOpenID(t))
				e.clock.Advance(time.Minute - time.Duration(e.clock.Now().UnixNano())%time.Minute) // on the minute
				sent := 0
				send := func() reply {
					r := tc.send[sent%len(tc.send)](u)
					sent++
					return r
				}
				for sent < tc.perDay {
					if sent > 0 && sent%tc.perMinute == 0 {
						if sent == tc.perMinute {
							expectLimited(t, send(), time.Minute)
							sent-- // refused: not counted against the day
							other := e.login(uniqueOpenID(t))
							notLimited(t, "another user", tc.send[0](other))
						}
						e.clock.Advance(time.Minute)
					}
					notLimited(t, "request "+strconv.Itoa(sent), send())
				}
				e.clock.Advance(time.Minute)
				expectLimited(t, send(), shanghaiMidnight(t, e.clock.Now()).Sub(e.clock.Now()))
				e.clock.Advance(shanghaiMidnight(t, e.clock.Now()).Sub(e.clock.Now()))
				u = e.refreshed(u)
				notLimited(t, "the next day", send())
			})
		}
	})
}

// TestIDNumberProbing: PUT /applications/{id} must not answer "is this ID
// number on the roll" for many numbers. A user gets at most five 40901
// answers a day, after which every write that carries an ID number is 429,
// on the roll or not; and at most ten distinct ID numbers a day.
func TestIDNumberProbing(t *testing.T) {
	t.Parallel() // own databases and clocks
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		onRoll := tr.member(tr.u1).idNumber
		type step struct {
			id           string
			status, code int
		}
		off := func(n int) string { return idNumber("19920202", 800+n) }
		var alternate []step
		for i := range 5 {
			alternate = append(alternate, step{onRoll, 409, 40901})
			if i < 4 {
				alternate = append(alternate, step{off(0), 200, 0})
			}
		}
		alternate = append(alternate, step{off(0), 429, 42900}, step{onRoll, 429, 42900}, step{off(1), 429, 42900})
		var distinct []step
		for n := 1; n < 10; n++ {
			distinct = append(distinct, step{off(n), 200, 0})
		}
		distinct = append(distinct, step{off(10), 429, 42900}, step{onRoll, 429, 42900}, step{off(3), 200, 0}, step{off(0), 200, 0})
		tests := []struct {
			name  string
			steps []step
		}{
			{"on-roll answers", alternate},
			{"distinct numbers", distinct},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p := e.newApplicant("1356666000"+strconv.Itoa(i), off(0))
				var draft appView
				e.do("POST", "/api/v1/applications", p.form(tr.u1), p.Access).expect(t, 201, 0).decode(t, &draft)
				var limited []string
				for j, s := range tc.steps {
					r := e.do("PUT", "/api/v1/applications/"+draft.ID, with(p.form(tr.u1), "id_number", s.id), p.Access)
					if r.Status != s.status || r.Code != s.code {
						t.Fatalf("step %d: %d/%d, want %d/%d: %s", j, r.Status, r.Code, s.status, s.code, r.Raw)
					}
					if r.Status == 429 {
						expectLimited(t, r, shanghaiMidnight(t, e.clock.Now()).Sub(e.clock.Now()))
						limited = append(limited, r.Message)
					}
				}
				for _, m := range limited {
					if m != limited[0] {
						t.Fatalf("refusals differ, so they tell the roll apart: %q", limited)
					}
				}
				e.clock.Advance(shanghaiMidnight(t, e.clock.Now()).Sub(e.clock.Now()))
				p.session = e.refreshed(p.session)
				e.do("PUT", "/api/v1/applications/"+draft.ID, with(p.form(tr.u1), "id_number", off(20)), p.Access).expect(t, 200, 0)
			})
		}
	})
}

// TestUploadQuota: one account keeps at most 40 files; a file counts until
// its scheduled deletion (a day after upload while no form uses it).
func TestUploadQuota(t *testing.T) {
	t.Parallel() // own databases and clocks
	eachBackend(t, func(t *testing.T, e *testEnv) {
		u := e.login(uniqueOpenID(t))
		e.consent(u)
		first := e.clock.Now()
		for n := range 40 {
			if n > 0 && n%20 == 0 {
				e.clock.Advance(time.Minute)
			}
			e.uploadRaw(u.Access, "proof", jpegBytes(t)).expect(t, 201, 0)
		}
		e.clock.Advance(time.Minute)
		expectLimited(t, e.uploadRaw(u.Access, "proof", jpegBytes(t)), first.Add(24*time.Hour).Sub(e.clock.Now()))
		e.clock.Advance(first.Add(24 * time.Hour).Sub(e.clock.Now()))
		u = e.refreshed(u)
		e.uploadRaw(u.Access, "proof", jpegBytes(t)).expect(t, 201, 0)
	})
}
