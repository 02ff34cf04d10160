package wechat_test

import (
	"context"
	"errors"
	"testing"

	"github.com/unionhub/unionhub/service/wechat"
)

func TestCode2Session(t *testing.T) {
	used := fake.IssueLoginCode("o-used", "")
	if _, err := newClient(t).Code2Session(context.Background(), used); err != nil {
		t.Fatalf("first use: %v", err)
	}
	tests := []struct {
		name     string
		code     string
		want     wechat.Session
		wantErr  error
		wantCode int // WeChat's errcode, 0 when no *Error is expected
	}{
		{name: "with unionid", code: fake.IssueLoginCode("o-alice", "u-alice"), want: wechat.Session{OpenID: "o-alice", UnionID: "u-alice"}},
		{name: "without unionid", code: fake.IssueLoginCode("o-bob", ""), want: wechat.Session{OpenID: "o-bob"}},
		{name: "used code", code: used, wantErr: wechat.ErrInvalidCode, wantCode: 40163},
		{name: "unknown code", code: "no-such-code", wantErr: wechat.ErrInvalidCode, wantCode: 40029},
		{name: "empty code", code: "", wantErr: wechat.ErrInvalidCode},
		{name: "code needing escapes", code: "a&b=c d", wantErr: wechat.ErrInvalidCode, wantCode: 40029},
		{name: "rate limited", code: fake.IssueFailingLoginCode(45011), wantErr: wechat.ErrRateLimited, wantCode: 45011},
		{name: "blocked user", code: fake.IssueFailingLoginCode(40226), wantErr: wechat.ErrUserBlocked, wantCode: 40226},
		{name: "system busy", code: fake.IssueFailingLoginCode(-1), wantErr: wechat.ErrUpstream, wantCode: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newClient(t).Code2Session(context.Background(), tt.code)
			checkErr(t, err, tt.wantErr, tt.wantCode)
			if got != tt.want {
				t.Errorf("session = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCode2SessionSendsCodeVerbatim(t *testing.T) {
	_, _ = newClient(t).Code2Session(context.Background(), "a&b=c d")
	reqs := fake.Requests()
	last := reqs[len(reqs)-1]
	if got := last.Query.Get("js_code"); got != "a&b=c d" {
		t.Errorf("js_code = %q, want the code unchanged", got)
	}
}

func TestPhoneNumber(t *testing.T) {
	used := fake.IssuePhoneCode("13900139000")
	if _, err := newClient(t).PhoneNumber(context.Background(), used); err != nil {
		t.Fatalf("first use: %v", err)
	}
	tests := []struct {
		name     string
		code     string
		fail     int // errcode injected for the next call
		want     string
		wantErr  error
		wantCode int
	}{
		{name: "ok", code: fake.IssuePhoneCode("13800138000"), want: "13800138000"},
		{name: "used code", code: used, wantErr: wechat.ErrInvalidCode, wantCode: 40029},
		{name: "unknown code", code: "no-such-code", wantErr: wechat.ErrInvalidCode, wantCode: 40029},
		{name: "empty code", code: "", wantErr: wechat.ErrInvalidCode},
		{name: "rate limited", code: fake.IssuePhoneCode("13700137000"), fail: 45011, wantErr: wechat.ErrRateLimited, wantCode: 45011},
		{name: "system busy", code: fake.IssuePhoneCode("13700137000"), fail: -1, wantErr: wechat.ErrUpstream, wantCode: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			if tt.fail != 0 {
				fake.FailNext("/wxa/business/getuserphonenumber", 1, tt.fail)
			}
			got, err := c.PhoneNumber(context.Background(), tt.code)
			checkErr(t, err, tt.wantErr, tt.wantCode)
			if got != tt.want {
				t.Errorf("phone = %q, want %q", got, tt.want)
			}
		})
	}
}

// checkErr checks that err is wantErr (nil for none) and, when wantCode is
// set, a *wechat.Error with that code.
func checkErr(t *testing.T, err, wantErr error, wantCode int) {
	t.Helper()
	if wantErr == nil {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("err = %v, want %v", err, wantErr)
	}
	if wantCode == 0 {
		return
	}
	var apiErr *wechat.Error
	if !errors.As(err, &apiErr) || apiErr.Code != wantCode {
		t.Fatalf("err = %v, want errcode %d", err, wantCode)
	}
}
