package api_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/unionhub/unionhub/service/notify"
)

type notificationItem struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	Data      map[string]any `json:"data"`
	Read      bool           `json:"read"`
	ReadAt    *time.Time     `json:"read_at"`
	CreatedAt time.Time      `json:"created_at"`
}

type notificationPage struct {
	Items      []notificationItem `json:"items"`
	NextCursor *string            `json:"next_cursor"`
	Unread     int64              `json:"unread"`
}

// notifyUser gives the logged-in user a notification titled title.
func (e *testEnv) notifyUser(s session, title string) {
	e.t.Helper()
	uid, err := strconv.ParseInt(s.UserID, 10, 64)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.notify.Notify(context.Background(), notify.Notification{UserID: uid, Kind: "application_approved",
		Title: title, Body: "欢迎加入工会", Data: map[string]any{"application_id": "42"}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestNotificationRoutes(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		me, other := e.login(uniqueOpenID(t)), e.login(uniqueOpenID(t))
		var page notificationPage
		e.do("GET", "/api/v1/me/notifications", nil, me.Access).expect(t, 200, 0).decode(t, &page)
		if page.Items == nil || len(page.Items) != 0 || page.NextCursor != nil || page.Unread != 0 {
			t.Fatalf("empty list: %+v", page)
		}
		for _, title := range []string{"A", "B", "C", "D", "E"} {
			e.notifyUser(me, title)
			e.clock.Advance(time.Second)
		}
		e.notifyUser(other, "theirs")

		// Pages of two, newest first, until next_cursor is null.
		var titles string
		path := "/api/v1/me/notifications?limit=2"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("too many pages")
			}
			var p notificationPage
			e.do("GET", path, nil, me.Access).expect(t, 200, 0).decode(t, &p)
			if p.Unread != 5 {
				t.Fatalf("unread %d, want 5", p.Unread)
			}
			for _, it := range p.Items {
				titles += it.Title
				if it.Read || it.ReadAt != nil || it.Data["application_id"] != "42" || it.Kind != "application_approved" {
					t.Fatalf("item %+v", it)
				}
			}
			if p.NextCursor == nil {
				break
			}
			path = "/api/v1/me/notifications?limit=2&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		if titles != "EDCBA" {
			t.Fatalf("pages gave %q, want EDCBA", titles)
		}

		var mine, theirs notificationPage
		e.do("GET", "/api/v1/me/notifications?limit=1", nil, me.Access).expect(t, 200, 0).decode(t, &mine)
		e.do("GET", "/api/v1/me/notifications", nil, other.Access).expect(t, 200, 0).decode(t, &theirs)
		if len(theirs.Items) != 1 || theirs.Items[0].Title != "theirs" {
			t.Fatalf("the other user sees %+v", theirs)
		}
		myID, theirID := mine.Items[0].ID, theirs.Items[0].ID

		cases := []struct {
			name, method, path, token string
			status, code              int
		}{
			{"list without a token", "GET", "/api/v1/me/notifications", "", 401, 40100},
			{"bad cursor", "GET", "/api/v1/me/notifications?cursor=not-a-cursor", me.Access, 400, 40000},
			{"bad limit", "GET", "/api/v1/me/notifications?limit=0", me.Access, 400, 40000},
			{"read without a token", "POST", "/api/v1/me/notifications/" + myID + "/read", "", 401, 40100},
			{"another user's notification", "POST", "/api/v1/me/notifications/" + theirID + "/read", me.Access, 404, 40400},
			{"malformed id", "POST", "/api/v1/me/notifications/abc/read", me.Access, 404, 40400},
			{"zero id", "POST", "/api/v1/me/notifications/0/read", me.Access, 404, 40400},
			{"unknown id", "POST", "/api/v1/me/notifications/123456789/read", me.Access, 404, 40400},
			{"wrong method", "GET", "/api/v1/me/notifications/" + myID + "/read", me.Access, 405, 40500},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do(c.method, c.path, nil, c.token).expect(t, c.status, c.code)
			})
		}

		var read notificationItem
		e.do("POST", "/api/v1/me/notifications/"+myID+"/read", nil, me.Access).expect(t, 200, 0).decode(t, &read)
		if read.ID != myID || !read.Read || read.ReadAt == nil || !read.ReadAt.Equal(e.clock.Now()) {
			t.Fatalf("read: %+v", read)
		}
		e.clock.Advance(time.Minute)
		var again notificationItem
		e.do("POST", "/api/v1/me/notifications/"+myID+"/read", "", me.Access).expect(t, 200, 0).decode(t, &again)
		if again.ReadAt == nil || !again.ReadAt.Equal(*read.ReadAt) {
			t.Fatalf("reading again moved read_at: %+v", again)
		}
		e.do("GET", "/api/v1/me/notifications?limit=1", nil, me.Access).expect(t, 200, 0).decode(t, &mine)
		if mine.Unread != 4 || !mine.Items[0].Read {
			t.Fatalf("after reading one: %+v", mine)
		}
		e.do("GET", "/api/v1/me/notifications", nil, other.Access).expect(t, 200, 0).decode(t, &theirs)
		if theirs.Unread != 1 || theirs.Items[0].Read {
			t.Fatalf("the other user's notification changed: %+v", theirs)
		}
	})
}
