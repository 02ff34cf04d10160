package wechat_test

import (
	"context"
	"testing"

	"github.com/unionhub/unionhub/service/wechat"
)

const stablePath = "/cgi-bin/stable_token"

// TestTokenRejectedRetriesOnce checks every call that sends an access token:
// when WeChat rejects the token, the cached one is dropped, a token fetched
// again and the call made once more.
func TestTokenRejectedRetriesOnce(t *testing.T) {
	rejections := []struct {
		name   string
		reject func(path string)
	}{
		{"40001 invalid credential", func(path string) { fake.FailNext(path, 1, 40001) }},
		{"42001 expired", func(string) { fake.ExpireAccessTokens() }},
	}
	for _, o := range tokenOps() {
		for _, rj := range rejections {
			t.Run(o.name+"/"+rj.name, func(t *testing.T) {
				c := newClient(t)
				warm(t, c)
				stable, calls := fake.Count(stablePath), fake.Count(o.path)
				rj.reject(o.path)
				if _, err := o.run(context.Background(), c); err != nil {
					t.Fatalf("err = %v, want success after one retry", err)
				}
				if got := fake.Count(stablePath) - stable; got != 1 {
					t.Errorf("token fetched %d times, want 1", got)
				}
				if got := fake.Count(o.path) - calls; got != 2 {
					t.Errorf("%s called %d times, want 2", o.path, got)
				}
			})
		}
	}
}

func TestTokenRejectedTwiceGivesUp(t *testing.T) {
	for _, o := range tokenOps() {
		t.Run(o.name, func(t *testing.T) {
			c := newClient(t)
			warm(t, c)
			calls := fake.Count(o.path)
			fake.FailNext(o.path, 2, 40001)
			_, err := o.run(context.Background(), c)
			checkErr(t, err, wechat.ErrUpstream, 40001)
			if got := fake.Count(o.path) - calls; got != 2 {
				t.Errorf("%s called %d times, want 2", o.path, got)
			}
		})
	}
}

func TestTokenIsCached(t *testing.T) {
	c := newClient(t)
	warm(t, c)
	stable := fake.Count(stablePath)
	for _, o := range tokenOps() {
		if _, err := o.run(context.Background(), c); err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
	}
	if got := fake.Count(stablePath) - stable; got != 0 {
		t.Errorf("token fetched %d more times, want 0", got)
	}
}

// TestCacheDown checks that a cache outage costs token fetches, not calls.
func TestCacheDown(t *testing.T) {
	c := wechat.New(wechat.Config{AppID: testAppID, Secret: testSecret}, downCache{})
	for _, o := range allOps() {
		if _, err := o.run(context.Background(), c); err != nil {
			t.Errorf("%s: %v", o.name, err)
		}
	}
}
