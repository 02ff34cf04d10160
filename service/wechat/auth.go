package wechat

import (
	"context"
	"fmt"
	"net/url"

	"github.com/silenceper/wechat/v2/miniprogram/business"
)

// Session is who a login code belongs to. WeChat's session_key is dropped:
// UnionHub never decrypts client-side data, so it is neither returned nor
// kept.
type Session struct {
	OpenID  string
	UnionID string // empty unless the mini-program is bound to an open platform account
}

// Code2Session exchanges a wx.login code for the user's identity. It returns
// ErrInvalidCode for an unknown, expired or used code, ErrUserBlocked,
// ErrRateLimited or ErrUpstream.
func (c *Client) Code2Session(ctx context.Context, code string) (Session, error) {
	const op = "code2session"
	if code == "" {
		return Session{}, fmt.Errorf("%w (%s): empty code", ErrInvalidCode, op)
	}
	// The library pastes js_code into the URL unescaped.
	res, err := c.mp.GetAuth().Code2SessionContext(ctx, url.QueryEscape(code))
	switch {
	case err != nil && res.ErrCode != 0:
		// A plain fmt.Errorf; the decoded answer still holds the code.
		return Session{}, c.apiError(op, res.ErrCode, res.ErrMsg)
	case err != nil:
		return Session{}, c.classify(ctx, op, err)
	case res.OpenID == "":
		return Session{}, badAnswer(op, "no openid")
	}
	return Session{OpenID: res.OpenID, UnionID: res.UnionID}, nil
}

// PhoneNumber exchanges a getPhoneNumber code for the user's phone number:
// the bare number for mainland China (country code 86), "+<country
// code><number>" otherwise. It returns ErrInvalidCode for an unknown,
// expired or used code, ErrRateLimited or ErrUpstream.
func (c *Client) PhoneNumber(ctx context.Context, code string) (string, error) {
	const op = "phone_number"
	if code == "" {
		return "", fmt.Errorf("%w (%s): empty code", ErrInvalidCode, op)
	}
	var info business.PhoneInfo
	err := c.withToken(ctx, op, func(ctx context.Context) error {
		var err error
		info, err = c.mp.GetBusiness().GetPhoneNumberWithContext(ctx, &business.GetPhoneNumberRequest{Code: code})
		return err
	})
	switch {
	case err != nil:
		return "", err
	case info.PurePhoneNumber == "":
		return "", badAnswer(op, "no phone number")
	case info.CountryCode == "" || info.CountryCode == "86":
		return info.PurePhoneNumber, nil
	}
	return "+" + info.CountryCode + info.PurePhoneNumber, nil
}
