package notify

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
)

// Answers of wx.requestSubscribeMessage per template. "filter" (the
// template was hidden for a duplicate title) grants nothing and changes
// nothing.
const (
	SubscribeAccept = "accept"
	SubscribeReject = "reject"
	SubscribeBan    = "ban"
	SubscribeFilter = "filter"
)

// MaxSubscribeTemplates bounds the templates one report may name (WeChat
// asks for at most 3 at a time).
const MaxSubscribeTemplates = 10

// templateID is the shape of a WeChat template id.
var templateID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Subscribe records what wx.requestSubscribeMessage returned for the
// user: accept adds one message to the template's balance (a one-time
// subscription), reject and ban zero it. The mini-program passes the
// result object as it is, so its errMsg key is ignored. It returns the
// balances of the templates named.
func (s *Service) Subscribe(ctx context.Context, userID int64, results map[string]string) (map[string]int, error) {
	delete(results, "errMsg")
	if err := checkResults(results); err != nil {
		return nil, err
	}
	templates := make([]string, 0, len(results))
	for t := range results {
		templates = append(templates, t)
	}
	sort.Strings(templates) // a fixed order of row locks
	var out map[string]int
	err := model.InTx(ctx, s.db, func(ctx context.Context) error {
		for _, t := range templates {
			if err := s.applyAnswer(ctx, userID, t, results[t]); err != nil {
				return err
			}
		}
		var err error
		out, err = s.subs.Balances(ctx, userID, templates)
		return err
	})
	return out, err
}

// ApplyAnswer changes the user's balance for template as answer says:
// accept adds one, reject and ban zero it, anything else changes nothing.
// It joins the transaction in ctx.
func (s *Service) ApplyAnswer(ctx context.Context, userID int64, template, answer string) error {
	return s.applyAnswer(ctx, userID, template, answer)
}

func (s *Service) applyAnswer(ctx context.Context, userID int64, template, answer string) error {
	switch answer {
	case SubscribeAccept:
		return s.subs.Add(ctx, userID, template, s.now())
	case SubscribeReject, SubscribeBan:
		return s.subs.Zero(ctx, userID, template, s.now())
	}
	return nil
}

// ZeroSubscription zeroes the user's balance for template: WeChat
// answered that the user holds no subscription (43101).
func (s *Service) ZeroSubscription(ctx context.Context, userID int64, template string) error {
	return s.subs.Zero(ctx, userID, template, s.now())
}

func checkResults(results map[string]string) error {
	if len(results) == 0 {
		return service.InvalidField("results", "缺少订阅结果")
	}
	if len(results) > MaxSubscribeTemplates {
		return service.InvalidField("results", fmt.Sprintf("一次最多提交 %d 个模板的订阅结果", MaxSubscribeTemplates))
	}
	var bad []service.FieldError
	for t, a := range results {
		switch {
		case !templateID.MatchString(t):
			bad = append(bad, service.FieldError{Field: "results", Message: "模板编号格式不正确"})
		case a != SubscribeAccept && a != SubscribeReject && a != SubscribeBan && a != SubscribeFilter:
			bad = append(bad, service.FieldError{Field: "results." + t, Message: "订阅结果只能是 accept、reject、ban 或 filter"})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
	return service.Invalid(bad)
}
