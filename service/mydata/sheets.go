package mydata

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/unionhub/unionhub/service/exporter"
)

// sheet is one section of the data as a table.
type sheet struct {
	name   string
	header []string
	rows   [][]string
}

// writeSheets writes d as a workbook of one sheet per section, with the
// roll exports' cells (text, escaped against formulas).
func writeSheets(out io.Writer, d *Data) error {
	wb := exporter.NewWorkbook(out)
	for _, sh := range sheets(d) {
		if err := wb.Sheet(sh.name, sh.header); err != nil {
			return err
		}
		for _, r := range sh.rows {
			if err := wb.Write(r); err != nil {
				return err
			}
		}
	}
	return wb.Close()
}

func sheets(d *Data) []sheet {
	a := d.Account
	out := []sheet{{name: "账户", header: []string{"用户ID", "注册时间", "手机号", "手机号绑定时间"},
		rows: [][]string{{a.ID, tm(a.CreatedAt), or(a.Phone, str(a.PhoneMasked)), tmp(a.PhoneBoundAt)}}}}
	consents := sheet{name: "同意记录", header: []string{"记录ID", "隐私政策版本", "个人信息", "敏感个人信息", "向上级工会提供", "同意时间", "撤回时间"}}
	for _, c := range d.Consents {
		consents.rows = append(consents.rows, []string{c.ID, c.Version, yes(c.PersonalInfo), yes(c.SensitiveInfo),
			yes(c.ShareUpward), tm(c.GivenAt), tmp(c.WithdrawnAt)})
	}
	apps := sheet{name: "入会申请", header: append([]string{"申请ID", "工会", "状态", "创建时间", "提交时间", "审核时间", "审核意见"}, formHeader...)}
	timeline := sheet{name: "申请进度", header: []string{"申请ID", "时间", "事项", "工会", "说明"}}
	for _, p := range d.Applications {
		apps.rows = append(apps.rows, append([]string{p.ID, p.OrgName, p.Status, tm(p.CreatedAt), tmp(p.SubmittedAt),
			tmp(p.ReviewedAt), str(p.ReviewReason)}, formRow(p.Form)...))
		for _, e := range p.Timeline {
			timeline.rows = append(timeline.rows, []string{p.ID, tm(e.At), e.Kind, e.OrgName, str(e.Note)})
		}
	}
	members := sheet{name: "会员信息", header: append([]string{"会员ID", "会员编号", "工会", "状态", "入会日期"}, formHeader...)}
	events := sheet{name: "会籍变化", header: []string{"会员ID", "时间", "事项", "转出工会", "转入工会", "说明"}}
	for _, m := range d.Members {
		members.rows = append(members.rows, append([]string{m.ID, m.MemberNo, m.OrgName, m.Status, m.JoinedOn}, formRow(m.Form)...))
		for _, e := range m.Events {
			events.rows = append(events.rows, []string{m.ID, tm(e.At), e.Kind, e.FromOrgName, e.ToOrgName, str(e.Note)})
		}
	}
	transfers := sheet{name: "会籍接转", header: []string{"申请ID", "转出工会", "转入工会", "状态", "原因", "处理意见", "申请时间", "处理时间"}}
	for _, t := range d.Transfers {
		transfers.rows = append(transfers.rows, []string{t.ID, t.FromOrgName, t.ToOrgName, t.Status, str(t.Reason),
			str(t.DecisionReason), tm(t.CreatedAt), tmp(t.DecidedAt)})
	}
	rights := sheet{name: "更正与异议", header: []string{"请求ID", "类型", "状态", "涉及字段", "涉及的会籍变化", "理由", "办理期限", "处理意见", "提出时间", "处理时间"}}
	for _, r := range d.Rights {
		rights.rows = append(rights.rows, []string{r.ID, r.Kind, r.Status, strings.Join(r.Fields, "、"), str(r.EventID),
			r.Reason, r.DueOn, str(r.DecisionReason), tm(r.CreatedAt), tmp(r.DecidedAt)})
	}
	subs := sheet{name: "订阅消息", header: []string{"模板ID", "剩余条数", "更新时间"}}
	for _, s := range d.Subscriptions {
		subs.rows = append(subs.rows, []string{s.TemplateID, strconv.Itoa(s.Balance), tm(s.UpdatedAt)})
	}
	deact := sheet{name: "注销申请", header: []string{"申请ID", "来源", "状态", "申请时间", "生效时间"}}
	for _, r := range d.Deactivations {
		deact.rows = append(deact.rows, []string{r.ID, r.Source, r.Status, tm(r.RequestedAt), tm(r.EffectiveAt)})
	}
	notes := sheet{name: "消息通知", header: []string{"通知ID", "类型", "标题", "内容", "时间", "已读时间"}}
	for _, n := range d.Notifications {
		notes.rows = append(notes.rows, []string{n.ID, n.Kind, n.Title, n.Body, tm(n.CreatedAt), tmp(n.ReadAt)})
	}
	out = append(out, consents, apps, timeline, members, events, transfers, rights, subs, deact, notes,
		cardSheet("会员卡验证记录", d.Verifications), cardSheet("普惠权益使用", d.Redemptions))
	uploads := sheet{name: "上传文件", header: []string{"文件ID", "类型", "格式", "大小（字节）", "上传时间", "副本中的文件"}}
	for _, u := range d.Uploads {
		uploads.rows = append(uploads.rows, []string{u.ID, u.Kind, u.ContentType, strconv.FormatInt(u.Size, 10),
			tm(u.CreatedAt), u.File})
	}
	sessions := sheet{name: "登录会话", header: []string{"登录时间", "最近使用", "到期时间", "注销时间"}}
	for _, s := range d.Sessions {
		sessions.rows = append(sessions.rows, []string{tm(s.CreatedAt), tm(s.LastUsedAt), tm(s.ExpiresAt), tmp(s.RevokedAt)})
	}
	roles := sheet{name: "管理角色", header: []string{"角色ID", "组织", "角色", "授予时间", "撤销时间"}}
	for _, r := range d.Roles {
		roles.rows = append(roles.rows, []string{r.ID, r.OrgName, r.Role, tm(r.CreatedAt), tmp(r.RevokedAt)})
	}
	return append(out, uploads, sessions, roles)
}

func cardSheet(name string, uses []CardUse) sheet {
	sh := sheet{name: name, header: []string{"时间", "验证单位", "权益", "结果"}}
	for _, u := range uses {
		sh.rows = append(sh.rows, []string{tm(u.At), u.VerifierOrgName, u.BenefitTitle, u.Result})
	}
	return sh
}

var formHeader = []string{"姓名", "证件类型", "证件号码", "手机号码", "性别", "出生日期", "民族", "学历", "政治面貌",
	"户籍类型", "工作单位", "岗位", "入职日期", "就业形式", "是否农民工", "是否劳务派遣", "劳务派遣单位", "劳务派遣单位统一社会信用代码"}

func formRow(f Form) []string {
	e := f.Employment
	return []string{f.Name, f.IDType, or(f.IDNumber, f.IDNumberMasked), or(f.Phone, f.PhoneMasked), str(f.Gender),
		str(f.BirthDate), str(f.Ethnicity), str(f.Education), str(f.PoliticalStatus), str(f.HouseholdType),
		str(e.EmployerName), str(e.JobTitle), str(e.HiredOn), str(e.WorkType), yes(e.IsMigrantWorker),
		yes(e.IsDispatched), str(e.DispatchAgencyName), str(e.DispatchAgencyUSCC)}
}

func tm(t time.Time) string { return t.Format(time.RFC3339) }

func tmp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return tm(*t)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
