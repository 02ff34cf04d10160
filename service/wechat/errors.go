package wechat

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// Errors the Client's methods return, checked with errors.Is. Every error a
// method returns matches exactly one of them.
var (
	// ErrInvalidCode means the login or phone code is unknown, expired or used
	// (errcode 40029, 40163). The user should get a fresh code.
	ErrInvalidCode = errors.New("wechat: invalid or used code")
	// ErrRateLimited means WeChat refused the call for its frequency limits
	// (errcode 45011, 45009).
	ErrRateLimited = errors.New("wechat: rate limited")
	// ErrUserBlocked means WeChat's risk control refuses this user's login
	// (errcode 40226); a new code will not help.
	ErrUserBlocked = errors.New("wechat: user blocked by WeChat risk control")
	// ErrNotSubscribed means the user has not accepted (or has used up) the
	// subscribe template (errcode 43101); retrying will not help.
	ErrNotSubscribed = errors.New("wechat: user has not subscribed to the template")
	// ErrUpstream is anything else: network errors, timeouts (also matching
	// context.DeadlineExceeded or context.Canceled when the caller's context
	// ended), unexpected answers, errcode -1 and every other errcode.
	ErrUpstream = errors.New("wechat: upstream error")
)

// Error is an errcode WeChat answered with. Its Is method matches the
// sentinel for the code, so callers usually need only errors.Is.
type Error struct {
	Code int
	Msg  string
}

// Error implements error.
func (e *Error) Error() string {
	return "errcode=" + strconv.Itoa(e.Code) + " errmsg=" + e.Msg
}

// Is reports whether target is the sentinel error for e.Code.
func (e *Error) Is(target error) bool {
	return target == kindOf(e.Code)
}

func kindOf(code int) error {
	switch code {
	case 40029, 40163:
		return ErrInvalidCode
	case 45009, 45011:
		return ErrRateLimited
	case 40226:
		return ErrUserBlocked
	case 43101:
		return ErrNotSubscribed
	}
	return ErrUpstream
}

// tokenRejected reports whether code says the access token is no good.
func tokenRejected(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}

// libErrcode matches the errcode in the fmt.Errorf errors silenceper/wechat
// returns from Code2Session, fetchCode and the stable token call.
var libErrcode = regexp.MustCompile(`errcode=(-?\d+)\s*,\s*(?:errmsg|errormsg)=(.*)`)

// apiError builds the error for an errcode answer.
func (c *Client) apiError(op string, code int64, msg string) error {
	return fmt.Errorf("wechat: %s: %w", op, &Error{Code: int(code), Msg: c.scrub(msg)})
}

// classify turns an error from the library into one of ours. It never
// wraps err itself: its text may hold secrets and the scrubbed text is all
// that survives.
func (c *Client) classify(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w (%s): %w", ErrUpstream, op, cerr)
	}
	if ce, ok := errors.AsType[*util.CommonError](err); ok {
		return c.apiError(op, ce.ErrCode, ce.ErrMsg)
	}
	if m := libErrcode.FindStringSubmatch(err.Error()); m != nil {
		if code, perr := strconv.ParseInt(m[1], 10, 64); perr == nil {
			return c.apiError(op, code, m[2])
		}
	}
	return fmt.Errorf("%w (%s): %s", ErrUpstream, op, c.scrub(err.Error()))
}

// badAnswer is the error for a 200 answer without what it should hold.
func badAnswer(op, what string) error {
	return fmt.Errorf("%w (%s): %s", ErrUpstream, op, what)
}

// secretParam matches the query parameters that carry credentials in the
// URLs the library puts into its errors.
var secretParam = regexp.MustCompile(`([?&](?:access_token|secret|js_code|code)=)[^&\s"']*`)

// scrub hides credentials in s: query values of access_token, secret,
// js_code and code, and the app secret wherever it appears.
func (c *Client) scrub(s string) string {
	s = secretParam.ReplaceAllString(s, "${1}***")
	if len(c.cfg.Secret) >= 8 {
		s = strings.ReplaceAll(s, c.cfg.Secret, "***")
	}
	return s
}
