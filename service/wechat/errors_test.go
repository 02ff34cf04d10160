package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/unionhub/unionhub/service/cache"
	"github.com/unionhub/unionhub/service/wechat"
)

func TestErrorMapping(t *testing.T) {
	sentinels := []error{wechat.ErrInvalidCode, wechat.ErrRateLimited, wechat.ErrUserBlocked, wechat.ErrNotSubscribed, wechat.ErrUpstream}
	tests := []struct {
		code int
		want error
	}{
		{40029, wechat.ErrInvalidCode},
		{40163, wechat.ErrInvalidCode},
		{45011, wechat.ErrRateLimited},
		{45009, wechat.ErrRateLimited},
		{40226, wechat.ErrUserBlocked},
		{43101, wechat.ErrNotSubscribed},
		{-1, wechat.ErrUpstream},
		{40001, wechat.ErrUpstream},
		{42001, wechat.ErrUpstream},
		{40013, wechat.ErrUpstream},
		{40125, wechat.ErrUpstream},
		{47001, wechat.ErrUpstream},
		{12345, wechat.ErrUpstream},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			err := fmt.Errorf("op: %w", &wechat.Error{Code: tt.code, Msg: "m"})
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tt.want; got != want {
					t.Errorf("errors.Is(%d, %v) = %v, want %v", tt.code, s, got, want)
				}
			}
		})
	}
}

// TestBadCredentials covers errors from the token endpoints, which the
// library returns as plain strings.
func TestBadCredentials(t *testing.T) {
	tests := []struct {
		name          string
		appID, secret string
		wantCode      int
	}{
		{"wrong appid", "wxwrong", testSecret, 40013},
		{"wrong secret", testAppID, "wrong-secret-0000000000000000", 40125},
	}
	for _, tt := range tests {
		for _, o := range allOps() {
			t.Run(tt.name+"/"+o.name, func(t *testing.T) {
				c := wechat.New(wechat.Config{AppID: tt.appID, Secret: tt.secret}, cache.NewMemory(nil))
				_, err := o.run(context.Background(), c)
				checkErr(t, err, wechat.ErrUpstream, tt.wantCode)
			})
		}
	}
}
