package api_test

import (
	"strconv"
	"testing"
	"time"
)

// noticeView is GET /privacy/notice's data.
type noticeView struct {
	Version     string    `json:"version"`
	PublishedAt time.Time `json:"published_at"`
	Text        string    `json:"text"`
	Items       []struct {
		Key       string   `json:"key"`
		Title     string   `json:"title"`
		Purpose   string   `json:"purpose"`
		Data      []string `json:"data"`
		Retention string   `json:"retention"`
	} `json:"items"`
}

// TestPrivacyNotice: the built-in notice is served to anyone (API.md §10),
// and a consent must name its version.
func TestPrivacyNotice(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		var n noticeView
		e.do("GET", "/api/v1/privacy/notice", nil, "").expect(t, 200, 0).decode(t, &n)
		if n.Version != "2026-11" || n.PublishedAt.IsZero() || n.Text == "" || len(n.Items) != 3 {
			t.Fatalf("notice: %+v", n)
		}
		for i, key := range []string{"personal_info", "sensitive_info", "share_upward"} {
			it := n.Items[i]
			if it.Key != key || it.Title == "" || it.Purpose == "" || len(it.Data) == 0 || it.Retention == "" {
				t.Errorf("item %d: %+v", i, it)
			}
		}
		s := e.login(uniqueOpenID(t))
		tests := []struct {
			name, version string
		}{
			{"another version", "2025-01"},
			{"no version", ""},
			{"the version with spaces", " 2026-11 "},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/me/consents", map[string]any{"version": tc.version, "personal_info": true,
					"sensitive_info": true, "share_upward": true}, s.Access).expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "version" {
					t.Fatalf("details: %s", r.Raw)
				}
			})
		}
	})
}

// meConsent reads GET /me's consent_current.
func meConsent(t *testing.T, e *testEnv, s session) *bool {
	t.Helper()
	var me struct {
		ConsentCurrent *bool `json:"consent_current"`
	}
	e.do("GET", "/api/v1/me", nil, s.Access).expect(t, 200, 0).decode(t, &me)
	return me.ConsentCurrent
}

// TestConsentOfAnotherVersion: after the notice's version changes, GET /me
// says consent_current false, uploads and submissions need a new consent
// (422 on consent), a member's card keeps working.
func TestConsentOfAnotherVersion(t *testing.T) {
	t.Parallel() // own databases; no shared WeChat faults or counters
	eachBackend(t, func(t *testing.T, e *testEnv) {
		tr := newTree(t, e)
		s := e.login(uniqueOpenID(t))
		if c := meConsent(t, e, s); c == nil || *c {
			t.Fatalf("consent_current without consent: %v", c)
		}
		a := e.newApplicant("13988880001", idNumber("19950707", 701))
		var v appView
		e.do("POST", "/api/v1/applications", a.form(tr.u1), a.Access).expect(t, 201, 0).decode(t, &v)
		m := tr.member(tr.u1)
		for _, who := range []session{a.session, m.session} {
			if c := meConsent(t, e, who); c == nil || !*c {
				t.Fatalf("consent_current after consent: %v", c)
			}
		}
		// The notice moves on: the consents given name the old version.
		for _, who := range []session{a.session, m.session} {
			uid, _ := strconv.ParseInt(who.UserID, 10, 64)
			if err := e.db.Exec("UPDATE consents SET version = ? WHERE user_id = ?", "2026-05", uid).Error; err != nil {
				t.Fatal(err)
			}
			if c := meConsent(t, e, who); c == nil || *c {
				t.Errorf("consent_current with an old version: %v", c)
			}
		}
		tests := []struct {
			name string
			r    func() reply
		}{
			{"upload", func() reply { return e.uploadRaw(a.Access, "photo", jpegBytes(t)) }},
			{"submit", func() reply { return e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, a.Access) }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.r().expect(t, 422, 40001)
				if len(r.Details) != 1 || r.Details[0].Field != "consent" {
					t.Fatalf("details: %s", r.Raw)
				}
			})
		}
		e.myCard(m.session)
		// A consent to the current notice works again.
		e.consent(a.session)
		e.do("POST", "/api/v1/applications/"+v.ID+"/submit", nil, a.Access).expect(t, 200, 0)
	})
}
