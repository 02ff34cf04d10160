package wechat

import (
	"context"

	"github.com/silenceper/wechat/v2/miniprogram/security"
)

// Verdict is WeChat's suggestion for a text (msg_sec_check v2).
type Verdict string

// The verdicts msg_sec_check gives.
const (
	// VerdictPass means nothing was found.
	VerdictPass Verdict = "pass"
	// VerdictRisky means the text breaks the rules.
	VerdictRisky Verdict = "risky"
	// VerdictReview means a person should look at the text.
	VerdictReview Verdict = "review"
)

// MsgSecCheck checks content written by the user openid (who must have used
// the mini-program in the last two hours) in the profile scene (资料). It
// returns ErrRateLimited or ErrUpstream; callers that must not block on
// WeChat treat any error as "not checked".
func (c *Client) MsgSecCheck(ctx context.Context, openid, content string) (Verdict, error) {
	const op = "msg_sec_check"
	var res security.MsgCheckResponse
	err := c.withToken(ctx, op, func(ctx context.Context) error {
		var err error
		res, err = c.mp.GetSecurity().MsgCheckContext(ctx, &security.MsgCheckRequest{
			OpenID:  openid,
			Scene:   security.MsgSceneMaterial,
			Content: content,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	switch v := Verdict(res.Result.Suggest); v {
	case VerdictPass, VerdictRisky, VerdictReview:
		return v, nil
	}
	return "", badAnswer(op, "unknown suggest")
}
