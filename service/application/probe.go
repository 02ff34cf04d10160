package application

import (
	"context"
	"strconv"

	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/ratelimit"
)

// Whether an ID number is on the roll is personal data of that number's
// holder, and 40901 answers it. These bound how many numbers one account
// can ask about: numbers a worker, who has one ID number and may mistype
// it, never reaches.
const (
	// onRollAnswersPerDay is how many 40901 answers a user gets a day;
	// after them every write carrying an ID number is 429 until the day
	// ends, on the roll or not, so the refusal tells nothing.
	onRollAnswersPerDay = 5
	// idNumbersPerDay is how many distinct ID numbers a user may put in
	// applications a day; the same number again is not counted. Unlike the
	// count of answers, it holds exactly under concurrent requests.
	idNumbersPerDay = 10
)

const errProbing = "证件号码填写次数过多，请明天再试"

// guardIDNumber runs before the roll is looked up for idx, the blind index
// of the ID number userID put in a form: 429 when the user has had the
// day's 40901 answers or tried the day's distinct numbers. Without a
// limiter (tests of other things) nothing is limited.
func (s *Service) guardIDNumber(ctx context.Context, userID int64, idx string) error {
	if s.limiter == nil {
		return nil
	}
	day := ratelimit.Daily(s.loc)
	uid := strconv.FormatInt(userID, 10)
	d, err := s.limiter.Peek(ctx, "onroll:"+uid, onRollAnswersPerDay, day)
	if err == nil && d.Allowed {
		d, err = s.limiter.AllowDistinct(ctx, "idnum:"+uid, idx, idNumbersPerDay, day)
	}
	if err != nil {
		return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	if !d.Allowed {
		return service.RateLimited(errProbing, d.RetryAfter)
	}
	return nil
}

// countOnRollAnswer counts a 40901 answer against the user's day.
func (s *Service) countOnRollAnswer(ctx context.Context, userID int64) error {
	if s.limiter == nil {
		return nil
	}
	_, err := s.limiter.AllowIn(ctx, "onroll:"+strconv.FormatInt(userID, 10), onRollAnswersPerDay, ratelimit.Daily(s.loc))
	if err != nil {
		return service.Wrap(service.KindUnavailable, "服务暂时不可用，请稍后再试", err)
	}
	return nil
}
