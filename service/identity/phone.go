package identity

import (
	"context"
	"strconv"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/pii"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// phoneIndexDomain separates the phone blind index from the ID-number one.
const phoneIndexDomain = pii.DomainPhone

// BindPhone exchanges a getPhoneNumber code for the user's WeChat-verified
// phone and records it encrypted. The WeChat call costs money, so each user
// gets PhoneCallsPerDay of them per business day, counted before the call.
func (s *Service) BindPhone(ctx context.Context, p Principal, code string) (masked string, err error) {
	if code == "" {
		return "", service.InvalidField("code", "缺少手机号授权凭证")
	}
	now := s.now()
	d, err := s.limiter.AllowIn(ctx, "phone:"+strconv.FormatInt(p.UserID, 10), s.cfg.PhoneCallsPerDay, ratelimit.Daily(s.cfg.Location))
	if err != nil {
		return "", service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !d.Allowed {
		return "", service.RateLimited("今天绑定手机号的次数已用完，请明天再试", d.RetryAfter)
	}
	phone, err := s.wx.PhoneNumber(ctx, code)
	if err != nil {
		return "", wechatError(err)
	}
	enc, err := s.pii.Encrypt(pii.UserPhone.Row(p.UserID), phone)
	if err != nil {
		return "", err
	}
	idx := s.pii.BlindIndexFor(phoneIndexDomain, phone)
	if err := s.users.SetPhone(ctx, p.UserID, enc, idx, now.UTC()); err != nil {
		return "", err
	}
	return pii.MaskPhone(phone), nil
}

// PhoneIndex returns the blind index of a phone number, for lookups by phone.
func (s *Service) PhoneIndex(phone string) string {
	return s.pii.BlindIndexFor(phoneIndexDomain, phone)
}
