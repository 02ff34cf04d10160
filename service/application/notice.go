package application

import (
	"context"
	"strconv"

	"github.com/unionhub/unionhub/model"
)

// DetailPage is the mini-program page that shows one application (with
// ?id=); the decision's notices and subscribe messages open it.
const DetailPage = "pages/application/detail"

// ResultTemplateFields are the keys of the subscribe message of a review
// decision, with what each holds: they follow the WeChat 审核结果通知
// template, and the template chosen in the WeChat admin console must have
// the same keys (GET /miniprogram/config tells the mini-program).
var ResultTemplateFields = map[string]string{
	"thing1":  "工会名称",
	"phrase2": "审核结果（已通过、未通过、退回修改）",
	"thing3":  "原因（无则为“无”）",
	"time4":   "审核时间",
}

// decisionTitles name each decision in the applicant's notices.
var decisionTitles = map[string]struct{ title, result string }{
	model.AppApproved: {"入会申请已通过", "已通过"},
	model.AppRejected: {"入会申请未通过", "未通过"},
	model.AppReturned: {"入会申请需要补充修改", "退回修改"},
}

// tell records the applicant's in-app notice and subscribe message. The
// template's keys are ResultTemplateFields'. The recipient's openid is
// read by the notifier only when a subscribe message is queued.
func (s *Service) tell(ctx context.Context, a *model.Application, o *model.Org, to, reason string) error {
	t := decisionTitles[to]
	body := o.Name + "：" + t.result
	if reason != "" {
		body += "。原因：" + reason
	}
	n := Notice{UserID: a.UserID, Kind: "application_" + to, Title: t.title, Body: body,
		Data: map[string]any{"application_id": itoa(a.ID), "status": to},
		Page: DetailPage + "?id=" + itoa(a.ID),
		TemplateData: map[string]string{"thing1": truncate(o.Name, 20), "phrase2": t.result,
			"thing3": truncate(orDash(reason), 20), "time4": s.now().In(s.loc).Format("2006-01-02 15:04")}}
	return s.notify(ctx, n)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "无"
	}
	return s
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// tellAssigned records the applicant's in-app notice of an assignment.
// There is no subscribe message: the only template is the review result
// (审核结果通知), which an assignment is not, and a one-time subscription
// spent on it would leave none for the decision that follows.
func (s *Service) tellAssigned(ctx context.Context, a *model.Application, from, to *model.Org, reason string) error {
	body := "您的入会申请已由" + from.Name + "转交" + to.Name + "办理"
	if reason != "" {
		body += "。说明：" + reason
	}
	return s.notify(ctx, Notice{UserID: a.UserID, Kind: "application_assigned", Title: "入会申请已转交", Body: body,
		Data: map[string]any{"application_id": itoa(a.ID), "status": a.Status, "org_id": itoa(to.ID)},
		Page: DetailPage + "?id=" + itoa(a.ID)})
}
