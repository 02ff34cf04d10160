package membership

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/application"
	"github.com/unionhub/unionhub/service/audit"
	"github.com/unionhub/unionhub/service/codes"
	"github.com/unionhub/unionhub/service/pii"
)

// claimTriesPerHour bounds guesses at other people's records.
const claimTriesPerHour = 5

// Claim links the member record whose name, ID number and phone all match
// to the caller (members a union entered, or who changed WeChat account).
// Wrong data gets one generic 404, whichever field was wrong.
func (s *Service) Claim(ctx context.Context, userID int64, name, idNumber string) (*model.Member, error) {
	d, err := s.limiter.Allow(ctx, "claim:"+itoa(userID), claimTriesPerHour, time.Hour)
	if err != nil {
		return nil, service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !d.Allowed {
		return nil, service.RateLimited("尝试次数过多，请一小时后再试", d.RetryAfter)
	}
	u, err := s.users.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.PhoneIdx == nil {
		return nil, service.InvalidField("phone", "请先绑定微信手机号")
	}
	number := strings.ToUpper(strings.TrimSpace(idNumber))
	idx := s.pii.BlindIndexFor(pii.DomainIDNumber, number)
	var out *model.Member
	var previous *int64
	err = model.InTx(ctx, s.db, func(ctx context.Context) error {
		m, err := s.members.OnRollByIDIndex(ctx, idx)
		if errors.Is(err, model.ErrNotFound) {
			return errNoMatch
		}
		if err != nil {
			return err
		}
		clean, nerr := codes.CheckName(name, m.IDType)
		if nerr != nil || clean != m.Name || m.PhoneIdx == nil || *m.PhoneIdx != *u.PhoneIdx {
			return errNoMatch
		}
		if m.UserID != nil && *m.UserID == userID {
			out = m
			return nil
		}
		if other, err := s.members.OnRollForUser(ctx, userID); err == nil && other.ID != m.ID {
			return service.E(service.KindConflict, "您的微信已关联另一条会员记录")
		}
		previous = m.UserID
		if err := s.members.Update(ctx, m.ID, m.Version, map[string]any{"user_id": userID, "updated_at": s.now().UTC()}); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStale
			}
			return err
		}
		reason := "认领会员卡"
		if err := s.changed(ctx, nil, nil, &model.MembershipEvent{MemberID: m.ID, Type: "claim", Reason: &reason, ActorID: &userID}); err != nil {
			return err
		}
		detail := map[string]any{"member_no": m.MemberNo}
		if previous != nil {
			detail["previous_user_id"] = itoa(*previous)
			if err := s.notify(ctx, application.Notice{UserID: *previous, Kind: "card_claimed",
				Title: "会员卡已转到其他微信", Body: "您的会员卡已被另一个微信账号认领。如非本人操作，请联系所在工会。"}); err != nil {
				return err
			}
		}
		if err := s.record(ctx, audit.Entry{ActorID: userID, OrgID: m.OrgID, Action: "member.claim",
			Target: "member:" + itoa(m.ID), Detail: detail}); err != nil {
			return err
		}
		s.invalidate(ctx, m.ID)
		out, err = s.members.Get(ctx, m.ID)
		return err
	})
	return out, err
}

var errNoMatch = service.E(service.KindNotFound, "没有找到与您信息一致的会员记录")
